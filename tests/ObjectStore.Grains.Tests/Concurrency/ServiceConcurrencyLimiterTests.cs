using ObjectStore.Grains.Concurrency;

namespace ObjectStore.Grains.Tests.Concurrency;

public sealed class ServiceConcurrencyLimiterTests
{
    private readonly ManualTime _time = new();

    private ServiceConcurrencyLimiter Create(int max, int queue = 0, int bulkPct = 60) =>
        new(new ServiceLimitOptions { MaxConcurrency = max, ConcurrencyQueue = queue, BulkConcurrencyPct = bulkPct }, _time);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(5);
        }
    }

    [Fact]
    public void Defaults_match_the_reference()
    {
        var options = new ServiceLimitOptions();
        Assert.Equal(500, options.MaxConcurrency);
        Assert.Equal(0, options.ConcurrencyQueue);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ConcurrencyTimeout);
        Assert.Equal(300, options.BulkPermits);
    }

    [Theory]
    [InlineData(500, 60, 300)]
    [InlineData(10, 33, 4)]
    [InlineData(10, 250, 10)]
    [InlineData(0, 60, 1)]
    [InlineData(3, 1, 1)]
    public void Bulk_permits_are_the_ceiling_of_the_clamped_share_and_at_least_one(int max, int pct, int expected) =>
        Assert.Equal(expected, new ServiceLimitOptions { MaxConcurrency = max, BulkConcurrencyPct = pct }.BulkPermits);

    [Fact]
    public async Task Without_a_queue_an_exhausted_limiter_rejects_at_once()
    {
        var limiter = Create(2);
        using var a = await limiter.AcquireAsync(default);
        using var b = await limiter.AcquireAsync(default);
        Assert.Equal(2, limiter.InUse);
        await Assert.ThrowsAsync<AtCapacityException>(async () => await limiter.AcquireAsync(default));
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public async Task Zero_max_concurrency_rejects_everything()
    {
        var limiter = Create(0);
        await Assert.ThrowsAsync<AtCapacityException>(async () => await limiter.AcquireAsync(default));
        Assert.Null(limiter.TryReserve(1));
    }

    [Fact]
    public async Task Disposing_a_permit_returns_it_once()
    {
        var limiter = Create(1);
        var permit = await limiter.AcquireAsync(default);
        permit.Dispose();
        permit.Dispose();
        Assert.Equal(1, limiter.Available);
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task A_queued_waiter_gets_the_next_released_permit()
    {
        var limiter = Create(1, queue: 1);
        var held = await limiter.AcquireAsync(default);
        var waiting = limiter.AcquireAsync(default).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limiter.Queued);
        await Assert.ThrowsAsync<AtCapacityException>(async () => await limiter.AcquireAsync(default));
        held.Dispose();
        using var next = await waiting;
        Assert.Equal(1, limiter.InUse);
        Assert.Equal(0, limiter.Queued);
    }

    [Fact]
    public async Task A_queued_waiter_times_out_after_the_concurrency_timeout()
    {
        var limiter = Create(1, queue: 1);
        using var held = await limiter.AcquireAsync(default);
        var waiting = limiter.AcquireAsync(default).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<AtCapacityException>(() => waiting);
        Assert.Equal(0, limiter.Queued);
        Assert.Equal(1, limiter.InUse);
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served()
    {
        var limiter = Create(1, queue: 3);
        var held = await limiter.AcquireAsync(default);
        var order = new List<int>();
        var waiters = Enumerable.Range(0, 3).Select(async i =>
        {
            var permit = await limiter.AcquireAsync(default);
            lock (order) order.Add(i);
            return permit;
        }).ToList();
        await WaitUntil(() => limiter.Queued == 3);
        held.Dispose();
        for (var i = 0; i < 3; i++)
        {
            var done = await Task.WhenAny(waiters);
            waiters.Remove(done);
            (await done).Dispose();
        }
        Assert.Equal([0, 1, 2], order);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var limiter = Create(1, queue: 1);
        using var held = await limiter.AcquireAsync(default);
        using var cts = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, limiter.Queued);
        held.Dispose();
        Assert.Equal(1, limiter.Available);
    }

    [Fact]
    public async Task Bulk_operations_are_bounded_by_the_bulk_share_but_single_ones_are_not()
    {
        var limiter = Create(4, bulkPct: 50);
        using var b1 = await limiter.AcquireBulkAsync(default);
        using var b2 = await limiter.AcquireBulkAsync(default);
        Assert.Equal(2, limiter.BulkInUse);
        var third = limiter.AcquireBulkAsync(default).AsTask();
        Assert.False(third.IsCompleted);
        using var s1 = await limiter.AcquireAsync(default);
        using var s2 = await limiter.AcquireAsync(default);
        Assert.Equal(4, limiter.InUse);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<AtCapacityException>(() => third);
        Assert.Equal(2, limiter.BulkInUse);
    }

    [Fact]
    public async Task A_bulk_operation_waits_for_a_normal_permit_within_the_same_deadline_and_gives_back_its_bulk_permit()
    {
        var limiter = Create(1);
        var held = await limiter.AcquireAsync(default);
        var bulk = limiter.AcquireBulkAsync(default).AsTask();
        await WaitUntil(() => limiter.Queued == 1);
        Assert.Equal(1, limiter.BulkInUse);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<AtCapacityException>(() => bulk);
        Assert.Equal(0, limiter.BulkInUse);

        var second = limiter.AcquireBulkAsync(default).AsTask();
        await WaitUntil(() => limiter.Queued == 1);
        held.Dispose();
        using var permit = await second;
        Assert.Equal(1, limiter.InUse);
        Assert.Equal(1, limiter.BulkInUse);
    }

    [Fact]
    public async Task TryReserve_takes_all_requested_permits_or_none()
    {
        var limiter = Create(5);
        using var single = await limiter.AcquireAsync(default);
        Assert.Null(limiter.TryReserve(5));
        Assert.Equal(4, limiter.Available);
        using var reservation = limiter.TryReserve(4);
        Assert.NotNull(reservation);
        Assert.Equal(0, limiter.Available);
        Assert.True(reservation.ReleaseOne());
        Assert.Equal(1, limiter.Available);
        Assert.Equal(3, reservation.Count);
        reservation.Dispose();
        reservation.Dispose();
        Assert.Equal(4, limiter.Available);
    }

    [Theory]
    [InlineData(0, 0.1, 0)]
    [InlineData(1, 0.1, 1)]
    [InlineData(99, 0.1, 10)]
    [InlineData(100, 0.1, 10)]
    [InlineData(1000, 0.1, 100)]
    [InlineData(3, 0.5, 2)]
    [InlineData(7, 1.0, 7)]
    public void A_share_is_the_ceiling_of_free_permits_times_the_fraction(int available, double fraction, int expected) =>
        Assert.Equal(expected, ServiceConcurrencyLimiter.ShareOf(available, fraction));

    [Fact]
    public async Task TryReserveShare_takes_its_share_of_the_free_permits_in_one_step()
    {
        var limiter = Create(100);
        using var single = await limiter.AcquireAsync(default);
        using var reservation = limiter.TryReserveShare(0.1);
        Assert.Equal(10, reservation!.Count);
        Assert.Equal(89, limiter.Available);
        reservation.Dispose();
        Assert.Equal(99, limiter.Available);
    }

    [Fact]
    public async Task TryReserveShare_gets_nothing_when_no_permit_is_free_or_others_wait()
    {
        Assert.Null(Create(0).TryReserveShare(0.1));
        var limiter = Create(1, queue: 1);
        var held = await limiter.AcquireAsync(default);
        var waiting = limiter.AcquireAsync(default).AsTask();
        await WaitUntil(() => limiter.Queued == 1);
        Assert.Null(limiter.TryReserveShare(1.0));
        held.Dispose();
        (await waiting).Dispose();
        using var reservation = limiter.TryReserveShare(1.0);
        Assert.Equal(1, reservation!.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void TryReserveShare_refuses_a_fraction_outside_zero_to_one(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(10).TryReserveShare(fraction));

    [Fact]
    public async Task TryReserve_does_not_jump_ahead_of_waiters()
    {
        var limiter = Create(1, queue: 1);
        var held = await limiter.AcquireAsync(default);
        var waiting = limiter.AcquireAsync(default).AsTask();
        await WaitUntil(() => limiter.Queued == 1);
        held.Dispose();
        Assert.Null(limiter.TryReserve(1));
        (await waiting).Dispose();
        Assert.NotNull(limiter.TryReserve(1));
    }

    [Fact]
    public async Task Permits_balance_after_many_concurrent_single_and_bulk_operations()
    {
        var limiter = new ServiceConcurrencyLimiter(
            new ServiceLimitOptions { MaxConcurrency = 4, ConcurrencyQueue = 1000, ConcurrencyTimeout = TimeSpan.FromSeconds(30), BulkConcurrencyPct = 50 },
            TimeProvider.System);
        var inUse = 0;
        var maxSeen = 0;
        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            await Task.Yield();
            using var permit = i % 3 == 0 ? await limiter.AcquireBulkAsync(default) : await limiter.AcquireAsync(default);
            var now = Interlocked.Increment(ref inUse);
            InterlockedMax(ref maxSeen, now);
            await Task.Yield();
            Interlocked.Decrement(ref inUse);
        }));
        Assert.InRange(maxSeen, 1, 4);
        Assert.Equal(4, limiter.Available);
        Assert.Equal(0, limiter.Queued);
        Assert.Equal(0, limiter.BulkInUse);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
