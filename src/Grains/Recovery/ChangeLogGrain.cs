using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Recovery;

/// <summary>
/// Recovery on a reminder: 1. read the live silo ids (membership refreshed first); 2. <c>TieredStorage.RecoverAsync</c>
/// claims up to a batch of entries whose owner is not live or whose hold passed (the claim in the change log keeps every
/// other recoverer off them) and cleans each one, HV deciding which blob is current; 3. repeat while a batch came back
/// full, bounded per run. Failed entries keep their claim until it lapses and a later run retries them. The last run
/// that claimed anything is kept in grain state, so an operator can read it (<see cref="LastRun"/>) after any restart.
/// </summary>
[GrainType("changelog")]
public sealed class ChangeLogGrain(
    ObjectStoreGrainServices services,
    IClusterMembershipService membership,
    [PersistentState("recovery", ObjectStoreGrains.StateStore)] IPersistentState<RecoveryRun> last)
    : PeriodicGrain<RecoveryRun>(services.Recovery), IChangeLogGrain
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<ChangeLogGrain>();
    private IReadOnlyCollection<string> _live = [];

    /// <inheritdoc/>
    protected override string ReminderName => "recover-change-log";

    /// <inheritdoc/>
    public Task<RecoveryRun> RecoverNow(CancellationToken cancellationToken) => RunAsync();

    /// <inheritdoc/>
    public Task<RecoveryRun?> LastRun(CancellationToken cancellationToken) => Task.FromResult(last.RecordExists ? last.State : null);

    /// <inheritdoc/>
    protected override RecoveryRun StartRun() => new();

    /// <inheritdoc/>
    protected override async Task<bool> RunBatchAsync(RecoveryRun run, int batchSize, CancellationToken cancellationToken)
    {
        if (run.Batches == 0) _live = await LiveSilosAsync(cancellationToken);
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
    protected override async Task FinishAsync(RecoveryRun run)
    {
        if (run.Claimed == 0) return;
        run.FinishedAt = services.Time.GetUtcNow();
        _logger.LogInformation(
            "Change-log recovery with {LiveSilos} live silos claimed {Claimed} entries, cleaned {Cleaned}, issued {BlobDeletes} LT deletes, {Failed} failed",
            _live.Count, run.Claimed, run.Cleaned, run.BlobDeletes, run.Failed);
        last.State = run;
        try
        {
            await last.WriteStateAsync();
        }
        catch (Exception e)
        {
            // The figures are for operators; the recovery itself is done and must not fail over them.
            _logger.LogWarning(e, "Could not persist the change-log recovery figures");
        }
    }

    /// <summary>The names of the active silos, the membership table read first so a silo that just joined counts as live.</summary>
    private async Task<IReadOnlyCollection<string>> LiveSilosAsync(CancellationToken cancellationToken)
    {
        await membership.Refresh(cancellationToken: cancellationToken);
        return membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).ToArray();
    }
}
