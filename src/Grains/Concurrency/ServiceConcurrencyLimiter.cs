using ObjectStore.Grains.Objects;

namespace ObjectStore.Grains.Concurrency;

/// <summary>
/// The service concurrency limiter (api doc §16.3). Single operations take a free permit at once, or
/// one of <c>concurrency_queue</c> waiting slots and then wait at most <c>concurrency_timeout</c>. Batch
/// operations first wait for a bulk permit, then for a normal one, both under one deadline and with no
/// queue bound; single operations never touch the bulk semaphore. Waiters are served FIFO. One per silo: object
/// grains take single permits through <see cref="IBackendPermits"/>; the batch executor reserves its whole window at
/// once with <see cref="TryReserveShare"/>.
/// </summary>
public sealed class ServiceConcurrencyLimiter : IBackendPermits
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

    /// <summary>The object grains' view of the limiter: a single-operation permit.</summary>
    async ValueTask<IDisposable> IBackendPermits.AcquireAsync(CancellationToken cancellationToken) =>
        await AcquireAsync(cancellationToken).ConfigureAwait(false);

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

    /// <summary>
    /// Takes <see cref="ShareOf"/>(free permits, <paramref name="fraction"/>) normal permits in one step, or null
    /// when none are free (or others are waiting). The batch executor reserves its window this way.
    /// </summary>
    public PermitReservation? TryReserveShare(double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The share must be in (0, 1].");
        var count = _permits.TryTakeShare(available => ShareOf(available, fraction));
        return count > 0 ? new PermitReservation(_permits, count) : null;
    }

    /// <summary><c>ceil(available × fraction)</c>, so any free permit yields a share of at least 1; 0 when none is free.</summary>
    public static int ShareOf(int available, double fraction) =>
        // decimal keeps 100 × 0.1 at exactly 10 where binary doubles could round up to 11.
        available <= 0 ? 0 : (int)Math.Min(available, Math.Ceiling(available * (decimal)fraction));

    internal void Return(bool bulk)
    {
        _permits.Release();
        if (bulk) _bulk.Release();
    }
}

/// <summary>A held service permit; disposing returns it (once).</summary>
public sealed class ServicePermit : IDisposable
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
