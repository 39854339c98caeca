using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

public sealed class ExpirationPolicyTests
{
    [Theory]
    [InlineData("manual", "manual")]
    [InlineData("ttl:30s", "ttl:30s")]
    [InlineData("ttl:1 days", "ttl:1d")]
    [InlineData("tti:90 min", "tti:1h 30m")]
    [InlineData("tti:1 days 30 seconds", "tti:1d 30s")]
    [InlineData("ttl:365 days", "ttl:365d")]
    [InlineData("ttl:11months 30days 3h 50m 24s", "ttl:365d")]
    [InlineData("ttl:400d 1h", "ttl:400d 1h")]
    [InlineData("tti:2weeks", "tti:14d")]
    [InlineData("ttl:0s", "ttl:0s")]
    [InlineData("ttl: 2 hours", "ttl:2h")]
    public void Wire_form_round_trips_to_the_canonical_form(string wire, string canonical)
    {
        Assert.True(ExpirationPolicy.TryParse(wire, out var policy));
        Assert.Equal(canonical, policy.ToString());
        Assert.True(ExpirationPolicy.TryParse(canonical, out var again));
        Assert.Equal(policy, again);
    }

    [Fact]
    public void Parses_kind_and_duration()
    {
        Assert.True(ExpirationPolicy.TryParse("tti:2days", out var tti));
        Assert.Equal(ExpirationPolicy.TimeToIdle(TimeSpan.FromDays(2)), tti);
        Assert.True(ExpirationPolicy.TryParse("ttl:1h", out var ttl));
        Assert.Equal(ExpirationKind.TimeToLive, ttl.Kind);
        Assert.True(ExpirationPolicy.TryParse("manual", out var manual));
        Assert.False(manual.Expires);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ttl:")]
    [InlineData("tti:")]
    [InlineData("ttl:forever")]
    [InlineData("ttl:30")]
    [InlineData("Manual")]
    [InlineData("TTL:30s")]
    [InlineData("ttx:30s")]
    [InlineData("manual ")]
    public void Rejects_malformed_policies(string? wire) => Assert.False(ExpirationPolicy.TryParse(wire, out _));

    [Fact]
    public void Deadline_is_write_time_plus_duration_and_none_for_manual()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddDays(1), ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)).DeadlineFrom(now));
        Assert.Null(ExpirationPolicy.Manual.DeadlineFrom(now));
        Assert.Equal(DateTimeOffset.MaxValue, ExpirationPolicy.TimeToLive(TimeSpan.MaxValue).DeadlineFrom(now));
    }

    [Fact]
    public void Tti_debounce_is_a_quarter_capped_at_a_day()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1)).TtiDebounce);
        Assert.Equal(TimeSpan.FromHours(24), ExpirationPolicy.TimeToIdle(TimeSpan.FromDays(30)).TtiDebounce);
    }
}
