using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Activations;

/// <summary>A grain timer: each tick is queued as a turn; the next tick is armed only after the previous one finished.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly Activation _activation;
    private readonly Func<object?, Task> _callback;
    private readonly object? _state;
    private readonly TimeSpan _period;
    private readonly Timer _timer;
    private volatile bool _disposed;

    public GrainTimer(Activation activation, Func<object?, Task> callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _state = state;
        _period = period;
        _timer = new Timer(static s => ((GrainTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private void Fire()
    {
        if (_disposed) return;
        var deadline = Environment.TickCount64 + (long)_activation.Runtime.Options.DefaultCallTimeout.TotalMilliseconds;
        var call = new GrainCall(_activation.Id, null, [], deadline, CancellationToken.None) { TimerTick = () => _callback(_state) };
        if (!_activation.TryEnqueue(call))
        {
            call.Release();
            Dispose();
            return;
        }
        call.Task.ContinueWith(static (_, s) =>
        {
            var (timer, c) = ((GrainTimer, GrainCall))s!;
            c.Release();
            if (timer._disposed || timer._period == Timeout.InfiniteTimeSpan) return;
            try { timer._timer.Change(timer._period, Timeout.InfiniteTimeSpan); }
            catch (ObjectDisposedException) { }
        }, (this, call), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
