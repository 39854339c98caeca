namespace ObjectStore.Client.Tests;

/// <summary>The <c>x-sn-expiration</c> values the client writes and the humantime forms the server writes back.</summary>
public sealed class ExpirationPolicyTests
{
    [Theory]
    [InlineData(30, "ttl:30s")]
    [InlineData(3600, "ttl:1h")]
    [InlineData(86_400, "ttl:1days")]
    [InlineData(400 * 86_400 + 4711, "ttl:400days 1h 18m 31s")]
    public void A_ttl_is_written_in_units_every_humantime_parser_reads(int seconds, string header) =>
        Assert.Equal(header, ExpirationPolicy.TimeToLive(TimeSpan.FromSeconds(seconds)).ToString());

    [Theory]
    [InlineData("ttl:30s", ExpirationKind.TimeToLive, 30)]
    [InlineData("tti:1day", ExpirationKind.TimeToIdle, 86_400)]
    [InlineData("ttl:2days", ExpirationKind.TimeToLive, 172_800)]
    [InlineData("ttl:1h 30m", ExpirationKind.TimeToLive, 5_400)]
    [InlineData("ttl:11months 30days 3h 50m 24s", ExpirationKind.TimeToLive, 365 * 86_400)]
    [InlineData("ttl:1year 1month", ExpirationKind.TimeToLive, 31_557_600 + 2_630_016)]
    [InlineData("ttl:1 days 30 seconds", ExpirationKind.TimeToLive, 86_430)]
    [InlineData("manual", ExpirationKind.Manual, 0)]
    public void The_servers_forms_parse(string header, ExpirationKind kind, int seconds)
    {
        Assert.True(ExpirationPolicy.TryParse(header, out var policy));
        Assert.Equal(kind, policy.Kind);
        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.Duration);
    }

    [Theory]
    [InlineData("ttl:")]
    [InlineData("ttl:5 parsecs")]
    [InlineData("forever")]
    public void Nonsense_does_not_parse(string header) => Assert.False(ExpirationPolicy.TryParse(header, out _));
}
