using ObjectStore.Gateway.Admission;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Admission;

public sealed class RateLimiterTests
{
    private static readonly Scopes Org1 = Scopes.Parse("org=1");
    private static readonly Scopes Org2 = Scopes.Parse("org=2");
    private readonly ManualTime _time = new();

    private RateLimiter Throughput(ThroughputOptions options) => new(new RateLimitOptions { Throughput = options }, _time);

    private RateLimiter Bandwidth(BandwidthOptions options) => new(new RateLimitOptions { Bandwidth = options }, _time);

    private static int Admitted(RateLimiter limiter, int attempts, string usecase = "u", Scopes? scopes = null) =>
        Enumerable.Range(0, attempts).Count(_ => limiter.TryAdmit(usecase, scopes ?? Org1));

    [Fact]
    public void Unconfigured_limits_admit_everything()
    {
        var limiter = new RateLimiter(new RateLimitOptions(), _time);
        Assert.Equal(1000, Admitted(limiter, 1000));
        Assert.Equal(1000, limiter.RequestsTotal);
    }

    [Fact]
    public void Global_rps_2_with_burst_1_admits_3_then_rejects_then_refills_after_a_second()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 2, Burst = 1 });
        Assert.Equal(3, Admitted(limiter, 4));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Admitted(limiter, 3));
        Assert.Equal(5, limiter.RequestsTotal);
    }

    [Fact]
    public void Refill_waits_for_a_whole_token_without_losing_the_fraction()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 1 });
        Assert.True(limiter.TryAdmit("u", Org1));
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.False(limiter.TryAdmit("u", Org1));
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.True(limiter.TryAdmit("u", Org1));
        Assert.False(limiter.TryAdmit("u", Org1));
    }

    [Fact]
    public void Tokens_never_exceed_rate_plus_burst()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 2, Burst = 1 });
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, Admitted(limiter, 10));
    }

    [Fact]
    public void Each_usecase_gets_its_share_of_the_global_rate()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 100, UsecasePct = 10 });
        Assert.Equal(10, Admitted(limiter, 20, "a"));
        Assert.Equal(10, Admitted(limiter, 20, "b"));
    }

    [Fact]
    public void Scope_buckets_are_per_full_ordered_scope_list_and_shared_across_usecases()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 100, ScopePct = 5 });
        Assert.Equal(5, Admitted(limiter, 4, "a", Org1) + Admitted(limiter, 4, "b", Org1));
        Assert.Equal(5, Admitted(limiter, 10, "a", Org2));
        Assert.Equal(5, Admitted(limiter, 10, "a", Scopes.Parse("org=1;project=1")));
        Assert.Equal(5, Admitted(limiter, 10, "a", Scopes.Parse("project=1;org=1")));
    }

    [Fact]
    public void Rules_match_on_usecase_and_scope_pairs_and_use_rps_pct_or_the_smaller()
    {
        var limiter = Throughput(new ThroughputOptions
        {
            GlobalRps = 1000,
            Rules =
            [
                new ThroughputRule { Usecase = "a", Rps = 3 },
                new ThroughputRule { Scopes = [new("org", "2")], Pct = 1 },
                new ThroughputRule { Usecase = "c", Rps = 50, Pct = 0.2 },
                new ThroughputRule { Usecase = "d" },
            ],
        });
        Assert.Equal(3, Admitted(limiter, 10, "a", Scopes.Empty));
        Assert.Equal(10, Admitted(limiter, 20, "b", Org2));
        Assert.Equal(2, Admitted(limiter, 10, "c", Org1));
        Assert.Equal(50, Admitted(limiter, 50, "d", Org1));
    }

    [Fact]
    public void Tokens_taken_before_a_later_bucket_rejects_are_not_refunded()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 4, Rules = [new ThroughputRule { Usecase = "a", Rps = 1 }] });
        Assert.Equal(1, Admitted(limiter, 3, "a"));
        Assert.Equal(1, Admitted(limiter, 3, "b"));
    }

    [Fact]
    public void Global_bps_100_with_no_burst_admits_one_upload_then_rejects_until_a_second_passed()
    {
        var limiter = Bandwidth(new BandwidthOptions { GlobalBps = 100, BurstMs = 0 });
        Assert.True(limiter.TryAdmit("u", Org1));
        limiter.RecordBytes("u", Org1, 100);
        Assert.False(limiter.TryAdmit("u", Org1));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryAdmit("u", Org1));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAdmit("u", Org1));
        Assert.Equal(100, limiter.BytesTotal);
    }

    [Fact]
    public void Burst_ms_lets_debt_run_ahead_of_now()
    {
        var limiter = Bandwidth(new BandwidthOptions { GlobalBps = 100 });
        limiter.RecordBytes("u", Org1, 100);
        Assert.True(limiter.TryAdmit("u", Org1));
        limiter.RecordBytes("u", Org1, 1);
        Assert.False(limiter.TryAdmit("u", Org1));
    }

    [Fact]
    public void Idle_time_does_not_bank_credit_beyond_the_burst()
    {
        var limiter = Bandwidth(new BandwidthOptions { GlobalBps = 100, BurstMs = 0 });
        _time.Advance(TimeSpan.FromHours(1));
        limiter.RecordBytes("u", Org1, 100);
        Assert.False(limiter.TryAdmit("u", Org1));
    }

    [Fact]
    public void Usecase_and_scope_bandwidth_buckets_are_created_by_their_first_bytes()
    {
        var limiter = Bandwidth(new BandwidthOptions { GlobalBps = 1000, BurstMs = 0, UsecasePct = 10, ScopePct = 50 });
        Assert.True(limiter.TryAdmit("a", Org1));
        limiter.RecordBytes("a", Org1, 100);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(limiter.TryAdmit("a", Org2));
        Assert.False(limiter.TryAdmit("b", Org1));
        Assert.True(limiter.TryAdmit("b", Org2));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(limiter.TryAdmit("b", Org1));
        Assert.False(limiter.TryAdmit("a", Org2));
    }

    [Fact]
    public void Report_only_accounts_but_never_rejects()
    {
        var limiter = Bandwidth(new BandwidthOptions { GlobalBps = 1, BurstMs = 0, ReportOnly = true });
        limiter.RecordBytes("u", Org1, 1_000_000);
        Assert.True(limiter.TryAdmit("u", Org1));
        Assert.Equal(1_000_000, limiter.BytesTotal);
    }

    [Fact]
    public void Bandwidth_is_checked_before_throughput_so_a_bandwidth_rejection_costs_no_token()
    {
        var limiter = new RateLimiter(new RateLimitOptions
        {
            Throughput = new ThroughputOptions { GlobalRps = 1 },
            Bandwidth = new BandwidthOptions { GlobalBps = 1000, BurstMs = 0 },
        }, _time);
        limiter.RecordBytes("u", Org1, 10);
        Assert.False(limiter.TryAdmit("u", Org1));
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(limiter.TryAdmit("u", Org1));
        Assert.Equal(1, limiter.RequestsTotal);
    }

    [Fact]
    public void Concurrent_admission_never_exceeds_the_bucket()
    {
        var limiter = Throughput(new ThroughputOptions { GlobalRps = 500 });
        var admitted = 0;
        Parallel.For(0, 2000, _ =>
        {
            if (limiter.TryAdmit("u", Org1)) Interlocked.Increment(ref admitted);
        });
        Assert.Equal(500, admitted);
    }
}
