using Microsoft.Extensions.Logging;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.Jobs;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// Owns one recorded change-log entry until its cleanup is scheduled. The entry is durable before the
/// guard exists; the phase then advances in memory only (Recorded → Written → Updated | Lost, or
/// Assembling → Updated | Lost). That is enough because the durable log is only read by recovery, and
/// recovery never trusts a phase: it reads HV to find the current blob. So the hot path costs one log
/// write (record) and one background removal, never a phase update round trip. The phases recovery must
/// respect carry a due time: Assembling's hold is written by the record itself, and a commit that threw
/// (Written) gets its delay written by a background job before anything is cleaned. This is safe because recovery only
/// takes entries whose owner can no longer commit (a dead, self-fenced process) or whose hold passed.
/// Disposing at any point does the right thing: the cleanup for the phase reached is queued on the job
/// loop (Assembling: nothing, the client may retry the complete; Written, a commit whose outcome is unknown:
/// a job durably sets the entry's cleanup time to now + the unknown-outcome delay, so recovery decides from
/// HV only after a late-applied commit can no longer land). Never disposing (a crash) leaves the entry to
/// recovery once its owner is gone or its hold passed.
/// </summary>
internal sealed class ChangeGuard : IAsyncDisposable
{
    private readonly ChangeCleanup _cleanup;
    private readonly BackgroundJobLoop _jobs;
    private readonly ILogger _logger;
    private int _disposed;

    internal ChangeGuard(ChangeEntry entry, ChangeCleanup cleanup, BackgroundJobLoop jobs, ILogger logger)
    {
        Entry = entry;
        Phase = entry.Phase;
        _cleanup = cleanup;
        _jobs = jobs;
        _logger = logger;
    }

    /// <summary>The recorded entry.</summary>
    public ChangeEntry Entry { get; }

    /// <summary>How far the operation got.</summary>
    public ChangePhase Phase { get; private set; }

    /// <summary>True once disposed (cleanup scheduled or left to recovery).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Advances the phase; only forward moves of §16.2 are allowed.</summary>
    internal void Advance(ChangePhase next)
    {
        var allowed = (Phase, next) switch
        {
            (ChangePhase.Recorded, ChangePhase.Written) => true,
            (ChangePhase.Written or ChangePhase.Assembling, ChangePhase.Updated or ChangePhase.Lost) => true,
            _ => false,
        };
        if (!allowed) throw new InvalidOperationException($"change {Entry.Id}: phase {Phase} cannot advance to {next}");
        Phase = next;
    }

    /// <summary>Queues the cleanup for the phase reached (once); Assembling and Written leave the entry to recovery.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var phase = Phase;
        if (phase is ChangePhase.Assembling or ChangePhase.Completed) return;
        var entry = Entry;
        var queued = phase == ChangePhase.Written
            ? await _jobs.EnqueueAsync($"defer {entry.Id} (outcome unknown)", ct => _cleanup.DeferAsync(entry, ct), CancellationToken.None).ConfigureAwait(false)
            : await _jobs.EnqueueAsync($"cleanup {entry.Id} ({phase})", ct => _cleanup.RunAsync(entry, phase, ct), CancellationToken.None).ConfigureAwait(false);
        if (!queued)
            _logger.LogInformation("Job loop stopping; change {ChangeId} for {Object} left to recovery", entry.Id, entry.Object);
    }
}
