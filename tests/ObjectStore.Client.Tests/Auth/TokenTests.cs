using System.Net;
using ObjectStore.Gateway.Auth;

namespace ObjectStore.Client.Tests.Auth;

/// <summary>Minted tokens and pre-signed URLs, verified by the gateway's own verifiers.</summary>
public sealed class TokenTests
{
    [Fact]
    public async Task A_minted_token_verifies_with_the_gateway_and_carries_usecase_scopes_and_permissions()
    {
        var key = new TestKey();
        var handler = new FakeHandler((_, _) => new HttpResponseMessage(HttpStatusCode.NoContent));
        var session = handler.Client(key: key).Session(new Usecase("attachments"), ("org", "42"), ("project", "1337"));

        await session.DeleteAsync("k");

        var token = handler.Requests[0].Header("x-os-auth")!["Bearer ".Length..];
        var context = new JwtVerifier(key.Directory).Verify(token, DateTimeOffset.UtcNow);
        Assert.Equal("attachments", context.Usecase);
        Assert.Equal("42", context.Resources["org"]);
        Assert.Equal("1337", context.Resources["project"]);
        Assert.Equal(Permissions.All, context.Permissions);
    }

    [Fact]
    public void A_token_expires_after_its_expiry_plus_the_servers_leeway()
    {
        var key = new TestKey();
        var session = new FakeHandler((_, _) => new HttpResponseMessage()).Client(key: key).Session(new Usecase("u"), Scope.Empty);

        var token = session.MintToken(ObjectStorePermissions.Read, TimeSpan.FromSeconds(60));

        var verifier = new JwtVerifier(key.Directory);
        Assert.Equal(Permissions.Read, verifier.Verify(token, DateTimeOffset.UtcNow.AddSeconds(110)).Permissions);
        Assert.Throws<AuthException>(() => verifier.Verify(token, DateTimeOffset.UtcNow.AddSeconds(125)));
    }

    [Fact]
    public void Minting_beyond_the_keys_permissions_is_refused()
    {
        var key = new TestKey();
        var session = new FakeHandler((_, _) => new HttpResponseMessage()).Client(o => o.SigningKey = new ObjectStoreSigningKey
        {
            KeyId = "test_kid",
            PrivateKeyPem = key.PrivateKeyPem,
            Permissions = ObjectStorePermissions.Read,
        }).Session(new Usecase("u"), Scope.Empty);

        Assert.Throws<ArgumentException>(() => session.MintToken(ObjectStorePermissions.Write));
    }

    [Fact]
    public void A_presigned_url_verifies_with_the_gateway_for_GET_and_HEAD_and_has_the_python_clients_query()
    {
        var key = new TestKey();
        var time = new FixedTime(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));
        var session = new FakeHandler((_, _) => new HttpResponseMessage()).Client(key: key, time: time)
            .Session(new Usecase("attachments"), ("org", "42"));

        var url = session.PresignedUrl(HttpMethod.Get, "with space/ü", TimeSpan.FromHours(1));

        Assert.Equal("/v1/objects/attachments/org=42/with%20space/%C3%BC", url.AbsolutePath);
        Assert.StartsWith("?os_kid=test_kid&os_timestamp=2026-07-01T12:00:00Z&os_duration=3600&os_sig=", url.Query);
        var verifier = new PresignedUrl(key.Directory);
        var query = url.Query[1..];
        Assert.Same(AuthContext.PresignedRead, verifier.Verify("GET", url.AbsolutePath, query, time.GetUtcNow()));
        Assert.Same(AuthContext.PresignedRead, verifier.Verify("HEAD", url.AbsolutePath, query, time.GetUtcNow()));
        Assert.Throws<AuthException>(() => verifier.Verify("GET", url.AbsolutePath + "x", query, time.GetUtcNow()));
        Assert.Throws<AuthException>(() => verifier.Verify("GET", url.AbsolutePath, query, time.GetUtcNow().AddHours(2)));
    }

    [Fact]
    public void Presigning_checks_method_duration_and_needs_a_signing_key()
    {
        var keyed = new FakeHandler((_, _) => new HttpResponseMessage()).Client(key: new TestKey()).Session(new Usecase("u"), Scope.Empty);
        var tokenOnly = new FakeHandler((_, _) => new HttpResponseMessage()).Client(o => o.Token = "t").Session(new Usecase("u"), Scope.Empty);

        Assert.Throws<ArgumentException>(() => keyed.PresignedUrl(HttpMethod.Put, "k", TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => keyed.PresignedUrl(HttpMethod.Get, "k", TimeSpan.FromDays(8)));
        Assert.Throws<InvalidOperationException>(() => tokenOnly.PresignedUrl(HttpMethod.Get, "k", TimeSpan.FromHours(1)));
        Assert.Throws<InvalidOperationException>(() => tokenOnly.ObjectUrl("k", TimeSpan.FromMinutes(5)));
    }
}
