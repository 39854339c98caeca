namespace ObjectStore.Grains.Concurrency;

/// <summary>
/// A counting semaphore whose waiters are served strictly first come, first served: a released permit
/// goes to the oldest waiter, and nobody takes a free permit while others wait. Timeouts run on a
/// <see cref="TimeProvider"/> so tests can drive them.
/// </summary>
internal sealed class FifoSemaphore
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private readonly TimeProvider _time;
    private int _available;

    public FifoSemaphore(int permits, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        _available = permits;
        Capacity = permits;
        _time = time;
    }

    /// <summary>Total permits.</summary>
    public int Capacity { get; }

    /// <summary>Free permits.</summary>
    public int Available
    {
        get { lock (_lock) return _available; }
    }

    /// <summary>Waiters in line.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiters.Count; }
    }

    /// <summary>Takes <paramref name="count"/> permits at once when they are free and nobody waits.</summary>
    public bool TryTake(int count = 1)
    {
        lock (_lock)
        {
            if (_waiters.Count > 0 || _available < count) return false;
            _available -= count;
            return true;
        }
    }

    /// <summary>
    /// Takes <paramref name="share"/>(free permits) at once, computed and taken under one lock so no other taker
    /// slips in between; 0 (nothing taken) while others wait or when the share is 0.
    /// </summary>
    public int TryTakeShare(Func<int, int> share)
    {
        lock (_lock)
        {
            if (_waiters.Count > 0) return 0;
            var count = Math.Min(share(_available), _available);
            if (count <= 0) return 0;
            _available -= count;
            return count;
        }
    }

    /// <summary>Waits for one permit until <paramref name="timeout"/>; false on timeout. Cancellation throws.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available > 0)
            {
                _available--;
                return true;
            }
            if (timeout <= TimeSpan.Zero) return false;
            node = _waiters.AddLast(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        await using var timer = _time.CreateTimer(_ => Abandon(node, default), null, timeout, Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(() => Abandon(node, cancellationToken));
        return await node.Value.Task.ConfigureAwait(false);
    }

    /// <summary>Returns permits, handing each to the oldest waiter first.</summary>
    public void Release(int count = 1)
    {
        lock (_lock)
        {
            for (; count > 0; count--)
            {
                var first = _waiters.First;
                if (first is null)
                {
                    _available += count;
                    return;
                }
                _waiters.RemoveFirst();
                first.Value.TrySetResult(true);
            }
        }
    }

    // A waiter gives up (timeout, or cancellation when the token can cancel) unless a permit was already handed to it.
    private void Abandon(LinkedListNode<TaskCompletionSource<bool>> node, CancellationToken cancelled)
    {
        lock (_lock)
        {
            if (node.List is null) return;
            _waiters.Remove(node);
        }
        if (cancelled.IsCancellationRequested) node.Value.TrySetCanceled(cancelled);
        else node.Value.TrySetResult(false);
    }
}
