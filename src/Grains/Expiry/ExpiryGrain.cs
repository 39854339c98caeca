using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Expiry;

/// <summary>
/// Expiry on a reminder: <c>TieredStorage.PurgeExpiredAsync</c> in batches (oldest deadline first) while a batch comes
/// back full, bounded per run. Inline rows are deleted in HV; tombstones are deleted under a change entry whose cleanup
/// deletes their LT blob. Rows rewritten or bumped since listed are left alone.
/// </summary>
[GrainType("expiry")]
public sealed class ExpiryGrain(ObjectStoreGrainServices services) : PeriodicGrain<ExpiryRun>(services.Expiry), IExpiryGrain
{
    private static readonly KeyValuePair<string, object?> s_hv = new("tier", "hv");
    private static readonly KeyValuePair<string, object?> s_lt = new("tier", "lt");
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<ExpiryGrain>();

    /// <inheritdoc/>
    protected override string ReminderName => "purge-expired";

    /// <inheritdoc/>
    public Task<ExpiryRun> PurgeNow(CancellationToken cancellationToken) => RunAsync();

    /// <inheritdoc/>
    protected override ExpiryRun StartRun() => new();

    /// <inheritdoc/>
    protected override async Task<bool> RunBatchAsync(ExpiryRun run, int batchSize, CancellationToken cancellationToken)
    {
        var batch = await services.Storage.PurgeExpiredAsync(batchSize, cancellationToken);
        run.Batches++;
        run.InlineDeleted += batch.InlineDeleted;
        run.TombstonesDeleted += batch.TombstonesDeleted;
        run.Skipped += batch.Skipped;
        GrainMetrics.ExpiredPurged.Add(batch.InlineDeleted, s_hv);
        GrainMetrics.ExpiredPurged.Add(batch.TombstonesDeleted, s_lt);
        GrainMetrics.ExpirySkipped.Add(batch.Skipped);
        // Skipped rows changed since listed and are not listed again; a full batch means more may be left.
        return batch.Listed == batchSize;
    }

    /// <inheritdoc/>
    protected override Task FinishAsync(ExpiryRun run)
    {
        if (run.InlineDeleted + run.TombstonesDeleted + run.Skipped == 0) return Task.CompletedTask;
        _logger.LogInformation("Expiry purged {InlineDeleted} inline objects and {TombstonesDeleted} LT objects, skipped {Skipped} changed rows",
            run.InlineDeleted, run.TombstonesDeleted, run.Skipped);
        return Task.CompletedTask;
    }
}
