using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Gateway.Auth;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Auth;

public sealed class PresignedUrlTests
{
    private const string Kid = "relay";
    private const string Path = "/v1/objects/testing/org=17;project=42/foo%20bar/caf%C3%A9";
    private readonly ManualTime _time = new();
    private readonly TestSigner _signer = new();

    private Authenticator Create(Permissions max = Permissions.Read) =>
        new(TestSigner.Directory(Kid, max, _signer), active: true, enforce: true, _time, NullLogger<Authenticator>.Instance);

    private AuthContext Request(string method, string query, string path = Path, Permissions max = Permissions.Read) =>
        Create(max).Authenticate(new AuthRequest(method, path, query, null, null));

    private static AuthException Fails(Func<AuthContext> act) => Assert.Throws<AuthException>(() => act());

    [Fact]
    public void Canonical_form_matches_the_documented_example()
    {
        var canonical = PresignedUrl.CanonicalString(
            "GET",
            "/v1/objects/testing/org=17;project=42/foo/bar",
            "os_kid=relay&os_timestamp=1985-04-12T23:20:50.52Z&os_duration=3600&os_sig=AAAA");
        Assert.Equal("GET\n/v1/objects/testing/org=17;project=42/foo/bar\nos_duration=3600&os_kid=relay&os_timestamp=1985-04-12T23:20:50.52Z", canonical);
    }

    [Fact]
    public void Canonical_query_lowercases_keys_keeps_values_and_bare_keys_drops_empties_and_sorts()
    {
        var canonical = PresignedUrl.CanonicalString("head", "/p%2Fq", "Zeta=B%2F&&alpha&OS_SIG=x&b=2&b=1&os_sig=y");
        Assert.Equal("GET\n/p%2Fq\nalpha&b=1&b=2&zeta=B%2F", canonical);
    }

    [Fact]
    public void A_signed_GET_grants_read_only_and_HEAD_verifies_as_GET()
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 3600);
        var context = Request("GET", query);
        Assert.True(context.IsAllowed(Permissions.Read, "testing", Scopes.Parse("org=17;project=42")));
        Assert.False(context.IsAllowed(Permissions.Write, "testing", Scopes.Parse("org=17;project=42")));
        Assert.Same(AuthContext.PresignedRead, Request("HEAD", query));
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    [InlineData("POST")]
    public void Methods_other_than_GET_and_HEAD_are_403(string method)
    {
        var e = Fails(() => Request(method, _signer.PresignQuery("GET", Path, Kid, _time.Now, 3600)));
        Assert.Equal(403, e.StatusCode);
        Assert.Equal("auth error: presigned URLs are not supported for this method", e.Detail);
    }

    [Fact]
    public void A_tampered_last_signature_character_is_401()
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 3600);
        foreach (var replacement in "AQgw")
        {
            if (query[^1] == replacement) continue;
            var e = Fails(() => Request("GET", query[..^1] + replacement));
            Assert.Equal(401, e.StatusCode);
        }
    }

    [Fact]
    public void A_signature_over_another_path_or_extra_parameter_is_401()
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 3600);
        Assert.Equal(401, Fails(() => Request("GET", query, Path.Replace("%20", "+"))).StatusCode);
        Assert.Equal(401, Fails(() => Request("GET", query + "&x=1")).StatusCode);
    }

    [Fact]
    public void Extra_parameters_are_covered_by_the_signature()
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 3600, extraQuery: "Download=1");
        Assert.Same(AuthContext.PresignedRead, Request("GET", query));
        Assert.Equal(401, Fails(() => Request("GET", query.Replace("Download=1", "Download=2"))).StatusCode);
    }

    [Fact]
    public void Another_keys_signature_is_401()
    {
        var query = new TestSigner().PresignQuery("GET", Path, Kid, _time.Now, 3600);
        Assert.Equal("auth error: failed to verify token", Fails(() => Request("GET", query)).Detail);
    }

    [Fact]
    public void An_expired_url_is_401()
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 60);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Same(AuthContext.PresignedRead, Request("GET", query));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(401, Fails(() => Request("GET", query)).StatusCode);
    }

    [Fact]
    public void A_timestamp_30_seconds_in_the_future_is_accepted_but_90_is_not()
    {
        Assert.Same(AuthContext.PresignedRead, Request("GET", _signer.PresignQuery("GET", Path, Kid, _time.Now.AddSeconds(30), 3600)));
        Assert.Equal(401, Fails(() => Request("GET", _signer.PresignQuery("GET", Path, Kid, _time.Now.AddSeconds(90), 3600))).StatusCode);
    }

    [Fact]
    public void Validity_above_seven_days_is_400()
    {
        Assert.Same(AuthContext.PresignedRead, Request("GET", _signer.PresignQuery("GET", Path, Kid, _time.Now, 604_800)));
        var e = Fails(() => Request("GET", _signer.PresignQuery("GET", Path, Kid, _time.Now, 8 * 86_400)));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("auth error: bad request: presigned URL validity exceeds the maximum of 1 week", e.Detail);
    }

    [Theory]
    [InlineData("os_sig=AAAA")]
    [InlineData("os_kid=relay&os_timestamp=2026-01-01T00:00:00Z&os_sig=AAAA")]
    [InlineData("os_kid=relay&os_timestamp=yesterday&os_duration=60&os_sig=SIG")]
    [InlineData("os_kid=relay&os_timestamp=2026-01-01T00:00:00Z&os_duration=-1&os_sig=SIG")]
    [InlineData("os_kid=relay&os_timestamp=2026-01-01T00:00:00%2B01:00&os_duration=60&os_sig=SIG")]
    public void Missing_or_invalid_parameters_are_400(string query)
    {
        var sig = TestSigner.B64(new byte[64]);
        var e = Fails(() => Request("GET", query.Replace("SIG", sig)));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("auth error: bad request: presigned URL has missing or invalid parameters", e.Detail);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("not-base64!")]
    public void A_signature_that_is_not_64_bytes_of_canonical_base64url_fails_verification_with_401(string signature)
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 60);
        var e = Fails(() => Request("GET", query[..(query.IndexOf("&os_sig=", StringComparison.Ordinal) + 8)] + signature));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("auth error: failed to verify token", e.Detail);
    }

    [Fact]
    public void An_unknown_kid_is_401()
    {
        var query = _signer.PresignQuery("GET", Path, "nobody", _time.Now, 60);
        Assert.Equal("auth error: unknown key", Fails(() => Request("GET", query)).Detail);
    }

    [Fact]
    public void A_key_without_object_read_in_max_permissions_is_403()
    {
        var query = _signer.PresignQuery("GET", Path, Kid, _time.Now, 60);
        var e = Fails(() => Request("GET", query, max: Permissions.Write | Permissions.Delete));
        Assert.Equal(403, e.StatusCode);
        Assert.Equal("auth error: operation not allowed", e.Detail);
    }

    [Fact]
    public void Os_sig_selects_the_presigned_path_only_with_the_exact_raw_key()
    {
        var e = Fails(() => Request("GET", "OS_SIG=abc"));
        Assert.Equal("auth error: bad request: No authorization token provided", e.Detail);
    }

    [Theory]
    [InlineData("1985-04-12T23:20:50.52Z", 1985, 50, 5_200_000)]
    [InlineData("2026-01-01 00:00:07", 2026, 7, 0)]
    [InlineData("1970-01-01t00:00:00z", 1970, 0, 0)]
    public void Timestamps_parse_leniently_in_utc(string text, int year, int second, long fractionTicks)
    {
        Assert.True(PresignedUrl.TryParseTimestamp(text, out var value));
        Assert.Equal(year, value.Year);
        Assert.Equal(second, value.Second);
        Assert.Equal(fractionTicks, value.Ticks % TimeSpan.TicksPerSecond);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("1969-12-31T23:59:59Z")]
    [InlineData("2026-01-01T00:00:00+00:00")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-01-01T00:00:00.Z")]
    [InlineData("2026-01-01")]
    public void Bad_timestamps_are_rejected(string text) => Assert.False(PresignedUrl.TryParseTimestamp(text, out _));
}
