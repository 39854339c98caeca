using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Periodic;
using ObjectStore.Runtime.Grains;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Sweep;

/// <summary>
/// The orphan sweep on a reminder (default every 6 h): one <see cref="OrphanSweep"/> over the whole LT store per tick,
/// a page of listed blobs at a time, under the run deadline. A sweep that stops early (deadline, backend error) keeps
/// what it deleted, all of it orphans, and the next tick starts over. Every run logs one Information line starting
/// <c>Orphan sweep finished</c> (or a warning <c>Orphan sweep stopped</c>) with its counts and elapsed milliseconds.
/// </summary>
[GrainType("orphansweep")]
public sealed class OrphanSweepGrain(ObjectStoreGrainServices services) : PeriodicGrain<OrphanSweepRun>(services.Sweep), IOrphanSweepGrain
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<OrphanSweepGrain>();
    private Exception? _stoppedBy;

    /// <inheritdoc/>
    protected override string ReminderName => "sweep-orphans";

    /// <inheritdoc/>
    protected override bool Enabled => services.Sweep.Enabled;

    /// <inheritdoc/>
    public Task<OrphanSweepRun> SweepNow(CancellationToken cancellationToken) => RunAsync();

    /// <inheritdoc/>
    protected override OrphanSweepRun StartRun() => new();

    /// <inheritdoc/>
    protected override async Task<bool> RunBatchAsync(OrphanSweepRun run, int batchSize, CancellationToken cancellationToken)
    {
        var sweep = services.Storage.CreateOrphanSweep(new OrphanSweepOptions { Grace = services.Sweep.Grace }, services.LoggerFactory.CreateLogger<OrphanSweep>());
        var result = new OrphanSweepResult();
        var started = Stopwatch.GetTimestamp();
        _stoppedBy = null;
        try
        {
            await sweep.RunAsync(result, cancellationToken);
            run.Completed = true;
        }
        catch (Exception e)
        {
            // A tick must not fail the reminder; whatever was deleted was an orphan, and the next tick starts over.
            _stoppedBy = e;
        }
        run.ElapsedMs = Saturate((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        run.Listed = Saturate(result.Listed);
        run.Young = Saturate(result.Young);
        run.Live = Saturate(result.Live);
        run.Unrecognized = Saturate(result.Unrecognized);
        run.Orphaned = Saturate(result.Orphaned);
        run.Deleted = Saturate(result.Deleted);
        run.Failed = Saturate(result.Failed);
        GrainMetrics.SweepListed.Add(result.Listed);
        GrainMetrics.SweepDeleted.Add(result.Deleted);
        GrainMetrics.SweepFailures.Add(result.Failed);
        GrainMetrics.SweepDuration.Record(run.ElapsedMs);
        return false;
    }

    /// <inheritdoc/>
    protected override void Finish(OrphanSweepRun run)
    {
        if (run.Completed)
        {
            _logger.LogInformation(
                "Orphan sweep finished: listed {Listed}, orphaned {Orphaned}, deleted {Deleted}, live {Live}, young {Young}, unrecognized {Unrecognized}, failed {Failed} in {ElapsedMs} ms",
                run.Listed, run.Orphaned, run.Deleted, run.Live, run.Young, run.Unrecognized, run.Failed, run.ElapsedMs);
            return;
        }
        _logger.LogWarning(_stoppedBy,
            "Orphan sweep stopped early after listing {Listed}: orphaned {Orphaned}, deleted {Deleted}, failed {Failed} in {ElapsedMs} ms; the next tick starts over",
            run.Listed, run.Orphaned, run.Deleted, run.Failed, run.ElapsedMs);
    }

    private static int Saturate(long value) => (int)Math.Clamp(value, 0, int.MaxValue);
}
