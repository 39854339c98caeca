using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Gateway.Auth;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Auth;

public sealed class AuthenticatorTests
{
    private const string Kid = "test_kid";
    private static readonly string[] AllPermissions = ["object.read", "object.write", "object.delete"];
    private readonly ManualTime _time = new();
    private readonly TestSigner _signer = new();
    private readonly Scopes _orgProject = Scopes.Parse("org=1;project=2");

    private Authenticator Create(Permissions max = Permissions.All, bool enforce = true, params TestSigner[] versions) =>
        new(TestSigner.Directory(Kid, max, versions.Length == 0 ? [_signer] : versions), active: true, enforce, _time, NullLogger<Authenticator>.Instance);

    private string Token(IDictionary<string, string>? scopes = null, string[]? permissions = null, string usecase = "attachments", TimeSpan? expiresIn = null) =>
        _signer.Token(Kid, usecase, scopes ?? new Dictionary<string, string> { ["org"] = "1", ["project"] = "2" }, permissions ?? AllPermissions, _time.Now + (expiresIn ?? TimeSpan.FromSeconds(60)));

    private static AuthRequest Header(string? xOsAuth, string? authorization = null, string query = "") =>
        new("GET", "/v1/objects/attachments/org=1;project=2/key", query, xOsAuth, authorization);

    private static AuthException Fails(Func<AuthContext> act) => Assert.Throws<AuthException>(() => act());

    [Fact]
    public void Bearer_token_in_x_os_auth_grants_its_usecase_and_scopes()
    {
        var context = Create().Authenticate(Header("Bearer " + Token()));
        Assert.True(context.IsAllowed(Permissions.Read, "attachments", _orgProject));
        Assert.False(context.IsAllowed(Permissions.Read, "other", _orgProject));
    }

    [Fact]
    public void Authorization_header_is_used_when_x_os_auth_is_absent_and_the_prefix_is_case_insensitive()
    {
        var context = Create().Authenticate(Header(null, "bEaReR " + Token()));
        Assert.True(context.IsAllowed(Permissions.Write, "attachments", _orgProject));
    }

    [Fact]
    public void No_token_at_all_is_400_with_the_reference_detail()
    {
        var e = Fails(() => Create().Authenticate(Header(null)));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("auth error: bad request: No authorization token provided", e.Detail);
    }

    [Fact]
    public void A_header_without_the_bearer_prefix_counts_as_no_token()
    {
        var e = Fails(() => Create().Authenticate(Header(null, Token())));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("auth error: bad request: No authorization token provided", e.Detail);
    }

    [Fact]
    public void Authorization_is_not_consulted_when_x_os_auth_lacks_the_prefix()
    {
        var e = Fails(() => Create().Authenticate(Header("Token " + Token(), "Bearer " + Token())));
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void Os_auth_query_parameter_is_a_bare_url_decoded_token()
    {
        var token = Token();
        var context = Create().Authenticate(Header(null, query: "foo=bar&os_auth=" + Uri.EscapeDataString(token)));
        Assert.True(context.IsAllowed(Permissions.Read, "attachments", _orgProject));
    }

    [Fact]
    public void Header_token_wins_over_a_garbage_query_token()
    {
        var context = Create().Authenticate(Header("Bearer " + Token(), query: "os_auth=garbage"));
        Assert.True(context.IsAllowed(Permissions.Read, "attachments", _orgProject));
    }

    [Fact]
    public void A_tampered_query_token_is_401()
    {
        var token = Token();
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var e = Fails(() => Create().Authenticate(Header(null, query: "os_auth=" + tampered)));
        Assert.Equal(401, e.StatusCode);
    }

    [Fact]
    public void Missing_kid_is_400()
    {
        var token = _signer.Jwt(new { alg = "EdDSA", typ = "JWT" }, new { exp = _time.Now.AddMinutes(1).ToUnixTimeSeconds() });
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("auth error: bad request: JWT header is missing `kid` field", e.Detail);
    }

    [Fact]
    public void Unknown_kid_is_401_unknown_key()
    {
        var token = _signer.Token("other", "attachments", null, AllPermissions, _time.Now.AddMinutes(1));
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("auth error: unknown key", e.Detail);
    }

    [Fact]
    public void An_algorithm_other_than_EdDSA_is_401()
    {
        var token = _signer.Jwt(new { alg = "HS256", typ = "JWT", kid = Kid }, new { exp = _time.Now.AddMinutes(1).ToUnixTimeSeconds() });
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.StartsWith("auth error: failed to decode token: ", e.Detail);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!!.e30.AAAA")]
    [InlineData("")]
    public void A_malformed_token_is_401_failed_to_decode(string token)
    {
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.StartsWith("auth error: failed to decode token: ", e.Detail);
    }

    [Fact]
    public void A_signature_by_another_key_is_401_failed_to_verify()
    {
        var stranger = new TestSigner();
        var token = stranger.Token(Kid, "attachments", null, AllPermissions, _time.Now.AddMinutes(1));
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("auth error: failed to verify token", e.Detail);
    }

    [Fact]
    public void Expiry_has_60_seconds_of_leeway()
    {
        var authenticator = Create();
        var token = Token(expiresIn: TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(authenticator.Authenticate(Header("Bearer " + token)).IsToken);
        _time.Advance(TimeSpan.FromSeconds(1));
        var e = Fails(() => authenticator.Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("auth error: failed to decode token: ExpiredSignature", e.Detail);
    }

    [Theory]
    [InlineData("9223372036854775747")] // 2^63 − 61: exp + 60 is the largest long
    [InlineData("9223372036854775807")] // 2^63 − 1
    [InlineData("9223372036854775808")] // 2^63
    [InlineData("18446744073709551615")] // u64 max, the largest exp the reference reads
    public void A_far_future_exp_up_to_u64_max_never_expires(string exp)
    {
        var token = _signer.Jwt(new { alg = "EdDSA", typ = "JWT", kid = Kid }, System.Text.Json.JsonDocument.Parse(
            $$"""{"res":{"os:usecase":"attachments"},"permissions":["object.read"],"exp":{{exp}}}""").RootElement);
        Assert.True(Create().Authenticate(Header("Bearer " + token)).IsAllowed(Permissions.Read, "attachments", Scopes.Empty));
    }

    [Theory]
    [InlineData("18446744073709551616")] // beyond u64
    [InlineData("-1")]
    [InlineData("1.5")]
    public void An_exp_that_is_no_u64_is_an_invalid_claim_format(string exp)
    {
        var token = _signer.Jwt(new { alg = "EdDSA", typ = "JWT", kid = Kid }, System.Text.Json.JsonDocument.Parse(
            $$"""{"res":{"os:usecase":"attachments"},"permissions":["object.read"],"exp":{{exp}}}""").RootElement);
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("auth error: failed to decode token: InvalidClaimFormat: exp", e.Detail);
    }

    [Fact]
    public void Exp_zero_is_expired_and_the_leeway_never_wraps()
    {
        Assert.True(JwtVerifier.IsExpired(0, _time.Now));
        Assert.False(JwtVerifier.IsExpired(0, DateTimeOffset.UnixEpoch.AddSeconds(60)));
        Assert.False(JwtVerifier.IsExpired(ulong.MaxValue, DateTimeOffset.MaxValue));
    }

    public static TheoryData<string> BadClaims => new()
    {
        """{"permissions":["object.read"],"exp":EXP}""",
        """{"res":{"os:usecase":"attachments"},"exp":EXP}""",
        """{"res":{"os:usecase":"attachments"},"permissions":["object.read"]}""",
        """{"res":{"os:usecase":"attachments"},"permissions":["object.read","object.admin"],"exp":EXP}""",
        """{"res":{"org":"1"},"permissions":["object.read"],"exp":EXP}""",
        """{"res":{"os:usecase":"attachments","org":1},"permissions":["object.read"],"exp":EXP}""",
        """{"res":"attachments","permissions":["object.read"],"exp":EXP}""",
        """{"res":{"os:usecase":"attachments"},"permissions":"object.read","exp":EXP}""",
        """{"res":{"os:usecase":"attachments"},"permissions":["object.read"],"exp":"EXP"}""",
        """{"res":{"os:usecase":"attachments"},"permissions":["object.read"],"exp":EXP,"aud":"someone"}""",
        """{"res":{"os:usecase":"attachments"},"permissions":["object.read"],"exp":EXP,"iss":"mallory"}""",
    };

    [Theory]
    [MemberData(nameof(BadClaims))]
    public void Missing_or_ill_typed_claims_are_401(string claims)
    {
        var json = claims.Replace("EXP", _time.Now.AddMinutes(1).ToUnixTimeSeconds().ToString());
        var token = _signer.Jwt(new { alg = "EdDSA", typ = "JWT", kid = Kid }, System.Text.Json.JsonDocument.Parse(json).RootElement);
        var e = Fails(() => Create().Authenticate(Header("Bearer " + token)));
        Assert.Equal(401, e.StatusCode);
        Assert.StartsWith("auth error: failed to decode token: ", e.Detail);
    }

    [Theory]
    [InlineData("""{"aud":"objectstore","iss":"sentry"}""")]
    [InlineData("""{"aud":["x","objectstore"],"iss":["relay","x"]}""")]
    public void Audience_and_issuer_are_accepted_when_they_contain_the_expected_values(string extra)
    {
        var claims = System.Text.Json.Nodes.JsonNode.Parse(extra)!.AsObject();
        claims["res"] = new System.Text.Json.Nodes.JsonObject { ["os:usecase"] = "attachments" };
        claims["permissions"] = new System.Text.Json.Nodes.JsonArray("object.read");
        claims["exp"] = _time.Now.AddMinutes(1).ToUnixTimeSeconds();
        var token = _signer.Jwt(new { alg = "EdDSA", typ = "JWT", kid = Kid }, claims);
        Assert.True(Create().Authenticate(Header("Bearer " + token)).IsAllowed(Permissions.Read, "attachments", Scopes.Empty));
    }

    [Fact]
    public void A_wildcard_scope_value_matches_any_value()
    {
        var context = Create().Authenticate(Header("Bearer " + Token(new Dictionary<string, string> { ["org"] = "1", ["project"] = "*" })));
        Assert.True(context.IsAllowed(Permissions.Read, "attachments", Scopes.Parse("org=1;project=99")));
        Assert.False(context.IsAllowed(Permissions.Read, "attachments", Scopes.Parse("org=2;project=99")));
    }

    [Fact]
    public void Extra_token_scopes_are_irrelevant_but_every_request_scope_must_be_granted()
    {
        var context = Create().Authenticate(Header("Bearer " + Token()));
        Assert.True(context.IsAllowed(Permissions.Read, "attachments", Scopes.Parse("org=1")));
        Assert.True(context.IsAllowed(Permissions.Read, "attachments", Scopes.Empty));
        Assert.False(context.IsAllowed(Permissions.Read, "attachments", Scopes.Parse("org=1;project=2;user=3")));
        Assert.False(context.IsAllowed(Permissions.Read, "attachments", Scopes.Parse("org=1;project=3")));
    }

    [Fact]
    public void Authorize_throws_403_operation_not_allowed_on_usecase_mismatch()
    {
        var context = Create().Authenticate(Header("Bearer " + Token()));
        var e = Assert.Throws<AuthException>(() => context.Authorize(Permissions.Read, "Attachments", _orgProject));
        Assert.Equal(403, e.StatusCode);
        Assert.Equal("auth error: operation not allowed", e.Detail);
    }

    [Fact]
    public void Effective_permissions_are_the_token_intersected_with_max_permissions()
    {
        var context = Create(max: Permissions.Read | Permissions.Delete).Authenticate(Header("Bearer " + Token(permissions: ["object.read", "object.write"])));
        Assert.Equal(Permissions.Read, context.Permissions);
        Assert.False(context.IsAllowed(Permissions.Write, "attachments", _orgProject));
        Assert.False(context.IsAllowed(Permissions.Delete, "attachments", _orgProject));
    }

    [Fact]
    public void Every_rotated_key_version_is_tried()
    {
        var old = new TestSigner();
        var authenticator = Create(Permissions.All, true, old, _signer);
        Assert.True(authenticator.Authenticate(Header("Bearer " + Token())).IsToken);
        var oldToken = old.Token(Kid, "attachments", null, AllPermissions, _time.Now.AddMinutes(1));
        Assert.True(authenticator.Authenticate(Header("Bearer " + oldToken)).IsToken);
        var stranger = new TestSigner().Token(Kid, "attachments", null, AllPermissions, _time.Now.AddMinutes(1));
        Assert.Equal(401, Fails(() => authenticator.Authenticate(Header("Bearer " + stranger))).StatusCode);
    }

    [Fact]
    public void Not_enforced_auth_lets_bad_tokens_and_denials_through()
    {
        var authenticator = Create(enforce: false);
        Assert.True(authenticator.Authenticate(Header("Bearer garbage")).IsAllowed(Permissions.Delete, "x", Scopes.Empty));
        var context = authenticator.Authenticate(Header("Bearer " + Token(permissions: ["object.read"])));
        Assert.False(context.IsAllowed(Permissions.Write, "attachments", _orgProject));
        context.Authorize(Permissions.Write, "attachments", _orgProject);
    }

    [Fact]
    public void Inactive_auth_allows_everything_without_a_token()
    {
        var authenticator = new Authenticator(KeyDirectory.Empty, active: false, enforce: false, _time, NullLogger<Authenticator>.Instance);
        var context = authenticator.Authenticate(Header(null));
        context.Authorize(Permissions.All, "anything", _orgProject);
        Assert.Same(AuthContext.Unrestricted, context);
    }
}
