using System.Collections.Concurrent;

namespace ObjectStore.Runtime.Activations;

/// <summary>
/// The per-activation turn scheduler: a SynchronizationContext that runs posted work one item at a time on the
/// shared thread pool (no thread affinity). Grain code awaits capture it, so every continuation of every turn of
/// one activation is serialised — two turns never run in parallel, even when read-only requests interleave.
/// Grain code must not use ConfigureAwait(false) (it would leave the activation's turn).
/// </summary>
internal sealed class ActivationScheduler : SynchronizationContext, IThreadPoolWorkItem
{
    // Yield the thread after this much work so one busy activation cannot starve others.
    private const long QuantumMs = 100;

    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private int _scheduled;

    public override void Post(SendOrPostCallback d, object? state)
    {
        _queue.Enqueue((d, state));
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Blocking on a grain turn is not supported; await instead.");

    public override SynchronizationContext CreateCopy() => this;

    void IThreadPoolWorkItem.Execute()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            var until = Environment.TickCount64 + QuantumMs;
            while (_queue.TryDequeue(out var item))
            {
                try
                {
                    item.Callback(item.State);
                }
                catch (Exception)
                {
                    // Posted continuations capture their own exceptions; runtime items handle theirs. Keep the loop alive.
                }
                if (Environment.TickCount64 > until) break;
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
        Volatile.Write(ref _scheduled, 0);
        if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}
