namespace ObjectStore.Gateway.Admission;

/// <summary>Configuration section <c>service</c> (api doc §11, §16.3).</summary>
internal sealed record ServiceLimitOptions
{
    /// <summary><c>service.max_concurrency</c>: backend operation permits (default 500; 0 rejects everything).</summary>
    public int MaxConcurrency { get; init; } = 500;

    /// <summary><c>service.concurrency_queue</c>: single operations allowed to wait when permits are exhausted (default 0).</summary>
    public int ConcurrencyQueue { get; init; }

    /// <summary><c>service.concurrency_timeout</c>: longest wait for a permit, normal and bulk (default 1 s).</summary>
    public TimeSpan ConcurrencyTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>service.bulk_concurrency_pct</c>: share of permits batch operations may use (default 60, clamped to 100, at least 1 permit).</summary>
    public int BulkConcurrencyPct { get; init; } = 60;

    /// <summary>The bulk semaphore's size: <c>ceil(max × min(pct, 100) / 100)</c>, at least 1.</summary>
    public int BulkPermits => Math.Max(1, (int)Math.Ceiling(MaxConcurrency * (double)Math.Min(BulkConcurrencyPct, 100) / 100));
}

/// <summary>No service permit could be had in time; 429 with <see cref="Detail"/>.</summary>
internal sealed class AtCapacityException() : Exception("concurrency limit reached")
{
    /// <summary>The JSON <c>detail</c> text.</summary>
    public static string Detail => "service error: concurrency limit reached";
}

/// <summary>
/// The service concurrency limiter (api doc §16.3). Single operations take a free permit at once, or
/// one of <c>concurrency_queue</c> waiting slots and then wait at most <c>concurrency_timeout</c>. Batch
/// operations first wait for a bulk permit, then for a normal one, both under one deadline and with no
/// queue bound; single operations never touch the bulk semaphore. Waiters are served FIFO.
/// </summary>
internal sealed class ServiceConcurrencyLimiter
{
    private readonly ServiceLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly FifoSemaphore _permits;
    private readonly FifoSemaphore _bulk;
    private int _queued;

    public ServiceConcurrencyLimiter(ServiceLimitOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _permits = new FifoSemaphore(options.MaxConcurrency, time);
        _bulk = new FifoSemaphore(options.BulkPermits, time);
    }

    /// <summary><c>service.max_concurrency</c> (<c>objectstore_tasks_limit</c>).</summary>
    public int Limit => _permits.Capacity;

    /// <summary>Permits free right now.</summary>
    public int Available => _permits.Available;

    /// <summary>Permits held (<c>objectstore_tasks_running</c>).</summary>
    public int InUse => _permits.Capacity - _permits.Available;

    /// <summary>Operations waiting for a normal permit (single and bulk).</summary>
    public int Queued => _permits.Waiting;

    /// <summary>Bulk permits held.</summary>
    public int BulkInUse => _bulk.Capacity - _bulk.Available;

    /// <summary>Size of the bulk semaphore.</summary>
    public int BulkLimit => _bulk.Capacity;

    /// <summary>A permit for one single-object operation; throws <see cref="AtCapacityException"/>.</summary>
    public async ValueTask<ServicePermit> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_permits.TryTake()) return new ServicePermit(this, bulk: false);
        if (Interlocked.Increment(ref _queued) > _options.ConcurrencyQueue)
        {
            Interlocked.Decrement(ref _queued);
            throw new AtCapacityException();
        }
        try
        {
            if (!await _permits.WaitAsync(_options.ConcurrencyTimeout, cancellationToken).ConfigureAwait(false))
                throw new AtCapacityException();
            return new ServicePermit(this, bulk: false);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>A permit for one batch operation: bulk, then normal, within one timeout; throws <see cref="AtCapacityException"/>.</summary>
    public async ValueTask<ServicePermit> AcquireBulkAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.ConcurrencyTimeout;
        if (!await _bulk.WaitAsync(_options.ConcurrencyTimeout, cancellationToken).ConfigureAwait(false))
            throw new AtCapacityException();
        try
        {
            if (!await _permits.WaitAsync(deadline - _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
                throw new AtCapacityException();
        }
        catch
        {
            _bulk.Release();
            throw;
        }
        return new ServicePermit(this, bulk: true);
    }

    /// <summary>
    /// Takes <paramref name="count"/> normal permits at once, or none: null when they are not all free
    /// right now (or others are waiting). The batch executor reserves its window this way.
    /// </summary>
    public PermitReservation? TryReserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return _permits.TryTake(count) ? new PermitReservation(_permits, count) : null;
    }

    internal void Return(bool bulk)
    {
        _permits.Release();
        if (bulk) _bulk.Release();
    }
}

/// <summary>A held service permit; disposing returns it (once).</summary>
internal sealed class ServicePermit : IDisposable
{
    private ServiceConcurrencyLimiter? _owner;
    private readonly bool _bulk;

    internal ServicePermit(ServiceConcurrencyLimiter owner, bool bulk)
    {
        _owner = owner;
        _bulk = bulk;
    }

    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Return(_bulk);
}

/// <summary>Permits reserved in bulk by <see cref="ServiceConcurrencyLimiter.TryReserve"/>; return them one by one or all on dispose.</summary>
internal sealed class PermitReservation : IDisposable
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
