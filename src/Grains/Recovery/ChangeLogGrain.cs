using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Periodic;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Recovery;

/// <summary>
/// Recovery on a reminder: 1. read the live silo ids (membership refreshed first); 2. <c>TieredStorage.RecoverAsync</c>
/// claims up to a batch of entries whose owner is not live or whose hold passed (the claim in the change log keeps every
/// other recoverer off them) and cleans each one, HV deciding which blob is current; 3. repeat while a batch came back
/// full, bounded per run. Failed entries keep their claim until it lapses and a later run retries them.
/// </summary>
[GrainType("changelog")]
public sealed class ChangeLogGrain(ObjectStoreGrainServices services) : PeriodicGrain<RecoveryRun>(services.Recovery), IChangeLogGrain
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<ChangeLogGrain>();
    private IReadOnlyCollection<string> _live = [];

    /// <inheritdoc/>
    protected override string ReminderName => "recover-change-log";

    /// <inheritdoc/>
    public Task<RecoveryRun> RecoverNow(CancellationToken cancellationToken) => RunAsync();

    /// <inheritdoc/>
    protected override RecoveryRun StartRun() => new();

    /// <inheritdoc/>
    protected override async Task<bool> RunBatchAsync(RecoveryRun run, int batchSize, CancellationToken cancellationToken)
    {
        if (run.Batches == 0) _live = await services.LiveSilos(cancellationToken);
        var batch = await services.Storage.RecoverAsync(_live, batchSize, cancellationToken);
        run.Batches++;
        run.Claimed += batch.Claimed;
        run.Cleaned += batch.Cleaned;
        run.BlobDeletes += batch.BlobDeletes;
        run.Failed += batch.Failed;
        GrainMetrics.RecoveredEntries.Add(batch.Cleaned);
        GrainMetrics.RecoveryBlobDeletes.Add(batch.BlobDeletes);
        GrainMetrics.RecoveryFailures.Add(batch.Failed);
        return batch.Claimed == batchSize;
    }

    /// <inheritdoc/>
    protected override void Finish(RecoveryRun run)
    {
        if (run.Claimed == 0) return;
        _logger.LogInformation(
            "Change-log recovery with {LiveSilos} live silos claimed {Claimed} entries, cleaned {Cleaned}, issued {BlobDeletes} LT deletes, {Failed} failed",
            _live.Count, run.Claimed, run.Cleaned, run.BlobDeletes, run.Failed);
    }
}
