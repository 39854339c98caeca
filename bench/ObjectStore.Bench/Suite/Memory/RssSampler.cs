namespace ObjectStore.Bench.Suite.Memory;

/// <summary>
/// Samples a process's VmRSS every ~20 ms on a background task and keeps the peak since the last
/// <see cref="Restart"/>; <c>VmHWM</c> (the kernel's own lifetime peak) is kept as a cross-check between samples.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;
    private long _samples;

    /// <summary>Starts sampling process <paramref name="pid"/>.</summary>
    public RssSampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The largest VmRSS seen since the last restart, in bytes.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Samples taken since the last restart.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>The current VmRSS and VmHWM, or null when the process is gone.</summary>
    public ProcStatus? Now => ProcStatus.Read(_pid);

    /// <summary>Starts a new phase: the peak restarts from the current RSS.</summary>
    public void Restart()
    {
        Interlocked.Exchange(ref _peak, Now?.RssBytes ?? 0);
        Interlocked.Exchange(ref _samples, 0);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                if (ProcStatus.Read(_pid) is not { } status) continue;
                Interlocked.Increment(ref _samples);
                long seen;
                while ((seen = Interlocked.Read(ref _peak)) < status.RssBytes && Interlocked.CompareExchange(ref _peak, status.RssBytes, seen) != seen) { }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops sampling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
