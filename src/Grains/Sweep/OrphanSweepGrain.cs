using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Periodic;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Sweep;

/// <summary>
/// The orphan sweep on a reminder (default every 6 h): one <see cref="OrphanSweep"/> over the whole LT store per tick,
/// a page of listed blobs at a time, then abandoned multipart uploads (older than 7 days) aborted, under the run
/// deadline. A sweep over millions of blobs outlasts any call deadline, so a tick starts it in the background and
/// returns at once (the reminder is acknowledged, not redelivered into a queue of back-to-back sweeps); a tick while one
/// runs does nothing, and deactivation (silo shutdown) cancels it. A sweep that stops early keeps what it deleted, all of
/// it orphans, and its position persists after every page (grain state <see cref="SweepProgress"/>): the next tick
/// resumes there when the LT store can resume a listing (S3; a file-system store starts over). Every run logs one Information line starting <c>Orphan sweep finished</c>
/// (or a warning <c>Orphan sweep stopped</c>) with its counts and elapsed milliseconds.
/// </summary>
[GrainType("orphansweep")]
public sealed class OrphanSweepGrain(ObjectStoreGrainServices services,
    [PersistentState("sweep", ObjectStoreGrains.StateStore)] IPersistentState<SweepProgress> progress)
    : PeriodicGrain<OrphanSweepRun>(services.Sweep), IOrphanSweepGrain
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<OrphanSweepGrain>();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _background;
    private Exception? _stoppedBy;
    private TaskScheduler _turns = TaskScheduler.Default;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A tick's sweep runs off the activation (it outlasts any turn); its state writes go back onto it.
        _turns = TaskScheduler.Current;
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override string ReminderName => "sweep-orphans";

    /// <inheritdoc/>
    protected override bool Enabled => services.Sweep.Enabled;

    /// <inheritdoc/>
    public Task<OrphanSweepRun> SweepNow(CancellationToken cancellationToken) => RunAsync(_stopping.Token);

    /// <inheritdoc/>
    public override Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!Enabled) return base.ReceiveReminder(reminderName, status);
        if (_background is { IsCompleted: false }) return Task.CompletedTask;
        // Stay activated while it runs, so a tick finds it and deactivation can stop it.
        DelayDeactivation(services.Sweep.RunTimeout);
        _background = Task.Run(() => RunAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_background is { } running) await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _stopping.Dispose();
    }

    /// <inheritdoc/>
    protected override OrphanSweepRun StartRun() => new();

    /// <inheritdoc/>
    protected override async Task<bool> RunBatchAsync(OrphanSweepRun run, int batchSize, CancellationToken cancellationToken)
    {
        var sweep = services.Storage.CreateOrphanSweep(new OrphanSweepOptions { Grace = services.Sweep.Grace, PageSize = services.Sweep.PageSize }, services.LoggerFactory.CreateLogger<OrphanSweep>());
        var result = new OrphanSweepResult();
        var started = Stopwatch.GetTimestamp();
        var (resumeAfter, listedBefore) = await OnActivationAsync(() => Task.FromResult((progress.State.ResumeAfter, progress.State.Listed)));
        if (resumeAfter is null) listedBefore = 0;
        run.Resumed = resumeAfter is not null;
        try
        {
            await sweep.RunAsync(result, resumeAfter, (position, _) => SaveAsync(position, listedBefore + result.Listed), cancellationToken);
            run.Completed = true;
            await SaveAsync(null, 0);
        }
        catch (Exception e)
        {
            // A run must not fail its caller; whatever was deleted was an orphan, and the next tick starts over.
            _stoppedBy = e;
        }
        run.ElapsedMs = Saturate((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        run.Listed = Saturate(listedBefore + result.Listed);
        run.Young = Saturate(result.Young);
        run.Live = Saturate(result.Live);
        run.Unrecognized = Saturate(result.Unrecognized);
        run.Orphaned = Saturate(result.Orphaned);
        run.Deleted = Saturate(result.Deleted);
        run.Failed = Saturate(result.Failed);
        run.UploadsAborted = result.UploadsAborted;
        GrainMetrics.SweepListed.Add(result.Listed);
        GrainMetrics.SweepDeleted.Add(result.Deleted);
        GrainMetrics.SweepFailures.Add(result.Failed);
        GrainMetrics.SweepDuration.Record(run.ElapsedMs);
        return false;
    }

    /// <inheritdoc/>
    protected override Task FinishAsync(OrphanSweepRun run)
    {
        var stoppedBy = _stoppedBy;
        _stoppedBy = null;
        if (run.Completed)
        {
            _logger.LogInformation(
                "Orphan sweep finished: listed {Listed}, orphaned {Orphaned}, deleted {Deleted}, live {Live}, young {Young}, unrecognized {Unrecognized}, failed {Failed}, aborted {UploadsAborted} abandoned uploads in {ElapsedMs} ms",
                run.Listed, run.Orphaned, run.Deleted, run.Live, run.Young, run.Unrecognized, run.Failed, run.UploadsAborted, run.ElapsedMs);
            return Task.CompletedTask;
        }
        _logger.LogWarning(stoppedBy,
            "Orphan sweep stopped early after listing {Listed}: orphaned {Orphaned}, deleted {Deleted}, failed {Failed} in {ElapsedMs} ms; the next tick resumes where it stopped",
            run.Listed, run.Orphaned, run.Deleted, run.Failed, run.ElapsedMs);
        return Task.CompletedTask;
    }

    private Task SaveAsync(string? position, long listed) => OnActivationAsync(async () =>
    {
        progress.State.ResumeAfter = position;
        progress.State.Listed = position is null ? 0 : listed;
        await progress.WriteStateAsync();
        return true;
    });

    // Grain state may only be touched on the activation's scheduler (Orleans checks), while a tick's sweep runs in the background.
    private Task<T> OnActivationAsync<T>(Func<Task<T>> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.None, _turns).Unwrap();

    private static int Saturate(long value) => (int)Math.Clamp(value, 0, int.MaxValue);
}
