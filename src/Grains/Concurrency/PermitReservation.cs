namespace ObjectStore.Grains.Concurrency;

/// <summary>Permits reserved in bulk by <see cref="ServiceConcurrencyLimiter.TryReserve"/>; return them one by one or all on dispose.</summary>
public sealed class PermitReservation : IDisposable
{
    private readonly FifoSemaphore _permits;
    private int _remaining;

    internal PermitReservation(FifoSemaphore permits, int count)
    {
        _permits = permits;
        _remaining = count;
    }

    /// <summary>Permits still held.</summary>
    public int Count => Volatile.Read(ref _remaining);

    /// <summary>Returns one permit early; false when none is left.</summary>
    public bool ReleaseOne()
    {
        while (true)
        {
            var current = Volatile.Read(ref _remaining);
            if (current == 0) return false;
            if (Interlocked.CompareExchange(ref _remaining, current - 1, current) != current) continue;
            _permits.Release();
            return true;
        }
    }

    /// <summary>Returns every permit still held.</summary>
    public void Dispose()
    {
        var rest = Interlocked.Exchange(ref _remaining, 0);
        if (rest > 0) _permits.Release(rest);
    }
}
