using ObjectStore.Silo.Tests.Auth;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// Auth on the wire (api doc §9) with keys configured the way the Python fixture does it: an Ed25519 public key file
/// named in <c>OS__AUTH__KEYS</c> in figment dict syntax.
/// </summary>
public sealed class AuthConformanceTests : IAsyncLifetime
{
    private const string Kid = "test_kid";
    private readonly TestSigner _signer = new();
    private ConformanceServer _server = null!;

    public async Task InitializeAsync()
    {
        var pem = Path.Combine(Path.GetTempPath(), $"os-conformance-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, _signer.PublicPem);
        _server = await ConformanceServer.StartAsync(
            ("AUTH__KEYS", $"{{{Kid}={{key_files=[\"{pem}\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}}}"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Token(string usecase = "conformance", Dictionary<string, string>? scopes = null, params string[] permissions) =>
        _signer.Token(Kid, usecase, scopes ?? new() { ["org"] = "1" },
            permissions.Length == 0 ? ["object.read", "object.write", "object.delete"] : permissions, DateTimeOffset.UtcNow.AddMinutes(5));

    [Fact]
    public async Task No_token_is_400_json_naming_the_problem()
    {
        var response = await _server.SendAsync("GET", "/v1/objects/conformance/org=1/k");
        Assert.Equal(400, response.Status);
        Assert.Equal("auth error: bad request: No authorization token provided", Wire.Detail(response));
    }

    [Fact]
    public async Task Tokens_are_accepted_from_x_os_auth_Authorization_and_os_auth()
    {
        var key = Guid.NewGuid().ToString("N");
        var path = "/v1/objects/conformance/org=1/" + key;
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "v"u8.ToArray(), [("x-os-auth", "Bearer " + Token())])).Status);
        Assert.Equal(200, (await _server.SendAsync("GET", path, headers: [("Authorization", "bearer " + Token())])).Status);
        Assert.Equal(200, (await _server.SendAsync("GET", path + "?os_auth=" + Token())).Status);
        // Without the Bearer prefix a header carries no token.
        Assert.Equal(400, (await _server.SendAsync("GET", path, headers: [("x-os-auth", Token())])).Status);
    }

    [Fact]
    public async Task Tampered_and_unknown_key_tokens_are_401()
    {
        var token = Token();
        var tampered = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..];
        var bad = await _server.SendAsync("GET", "/v1/objects/conformance/org=1/k", headers: [("x-os-auth", "Bearer " + tampered)]);
        Assert.Equal(401, bad.Status);
        Assert.StartsWith("auth error: ", Wire.Detail(bad));
        var garbage = await _server.SendAsync("GET", "/v1/objects/conformance/org=1/k", headers: [("x-os-auth", "Bearer not.a.jwt")]);
        Assert.InRange(garbage.Status, 400, 401);
    }

    [Fact]
    public async Task Scope_usecase_and_permission_mismatches_are_403_and_wildcards_match()
    {
        var path = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/k";
        var wildcard = Token(scopes: new() { ["org"] = "1", ["project"] = "*" });
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "v"u8.ToArray(), [("x-os-auth", "Bearer " + wildcard)])).Status);

        var otherOrg = await _server.SendAsync("GET", path, headers: [("x-os-auth", "Bearer " + Token(scopes: new() { ["org"] = "2", ["project"] = "*" }))]);
        Assert.Equal(403, otherOrg.Status);
        Assert.Equal("auth error: operation not allowed", Wire.Detail(otherOrg));
        Assert.Equal(403, (await _server.SendAsync("GET", path, headers: [("x-os-auth", "Bearer " + Token("other", new() { ["org"] = "1", ["project"] = "*" }))])).Status);
        var readOnly = Token(scopes: new() { ["org"] = "1", ["project"] = "*" }, permissions: "object.read");
        Assert.Equal(200, (await _server.SendAsync("GET", path, headers: [("x-os-auth", "Bearer " + readOnly)])).Status);
        Assert.Equal(403, (await _server.SendAsync("DELETE", path, headers: [("x-os-auth", "Bearer " + readOnly)])).Status);
    }

    [Fact]
    public async Task Bad_metadata_beats_a_missing_permission()
    {
        var readOnly = Token(permissions: "object.read");
        var response = await _server.SendAsync("PUT", "/v1/objects/conformance/org=1/k", "v"u8.ToArray(),
            [("x-os-auth", "Bearer " + readOnly), ("x-sn-expiration", "never")]);
        Assert.Equal(400, response.Status);
        Assert.Equal(403, (await _server.SendAsync("PUT", "/v1/objects/conformance/org=1/k", "v"u8.ToArray(), [("x-os-auth", "Bearer " + readOnly)])).Status);
    }

    [Fact]
    public async Task Every_resumable_request_needs_object_write()
    {
        var path = $"/v1/objects/conformance/org=1/resumable-{Guid.NewGuid():N}";
        string[] readDelete = ["object.read", "object.delete"];
        var writer = ("x-os-auth", "Bearer " + Token());
        var reader = ("x-os-auth", "Bearer " + Token(permissions: readDelete));
        Assert.Equal(403, (await _server.SendAsync("PUT", path + "?upload_type=resumable", [], [reader, ("upload-length", "3")])).Status);
        var created = await _server.SendAsync("PUT", path + "?upload_type=resumable", [], [writer, ("upload-length", "3")]);
        Assert.Equal(200, created.Status);
        using var json = System.Text.Json.JsonDocument.Parse(created.Body);
        var session = json.RootElement.GetProperty("session").GetString();
        Assert.Equal(403, (await _server.SendAsync("PUT", path + "?session=" + session, "abc"u8.ToArray(), [reader, ("upload-offset", "0")])).Status);
        Assert.Equal(403, (await _server.SendAsync("PUT", path + "?session=" + session, [], [reader, ("upload-offset", "*")])).Status);
        Assert.Equal(403, (await _server.SendAsync("DELETE", path + "?session=" + session, headers: [reader])).Status);
        Assert.Equal(201, (await _server.SendAsync("PUT", path + "?session=" + session, "abc"u8.ToArray(), [writer, ("upload-offset", "0")])).Status);
    }

    [Fact]
    public async Task Extending_an_expiry_needs_object_write()
    {
        var path = "/v1/objects/conformance/org=1/patched";
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "v"u8.ToArray(), [("x-os-auth", "Bearer " + Token()), ("x-sn-expiration", "ttl:1h")])).Status);
        var body = System.Text.Encoding.UTF8.GetBytes("""{"extend_expiry": {"after": "1d", "from": "now"}}""");

        var readOnly = await _server.SendAsync("PATCH", path, body, [("x-os-auth", "Bearer " + Token(permissions: "object.read")), ("content-type", "application/json")]);
        var deleteOnly = await _server.SendAsync("PATCH", path, body, [("x-os-auth", "Bearer " + Token(permissions: "object.delete")), ("content-type", "application/json")]);
        var writer = await _server.SendAsync("PATCH", path, body, [("x-os-auth", "Bearer " + Token(permissions: "object.write")), ("content-type", "application/json")]);

        Assert.Equal((403, 403, 204), (readOnly.Status, deleteOnly.Status, writer.Status));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("café-unicode")]
    [InlineData("nested/path/segments")]
    [InlineData("100%literal-percent")]
    public async Task Presigned_GET_and_HEAD_verify_against_the_raw_target_and_tampering_fails(string key)
    {
        var path = $"/v1/objects/conformance/org=1/{Wire.EncodeKey(key)}";
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "signed"u8.ToArray(), [("x-os-auth", "Bearer " + Token())])).Status);
        var query = _signer.PresignQuery("GET", path, Kid, DateTimeOffset.UtcNow, 600);
        var get = await _server.SendAsync("GET", path + "?" + query);
        Assert.Equal(200, get.Status);
        Assert.Equal("signed", Wire.Text(get));
        Assert.Equal(200, (await _server.SendAsync("HEAD", path + "?" + query)).Status);
        Assert.Equal(401, (await _server.SendAsync("GET", path + "x?" + query)).Status);
        Assert.Equal(401, (await _server.SendAsync("GET", path + "?" + query.Replace("os_duration=600", "os_duration=601"))).Status);
        var put = await _server.SendAsync("PUT", path + "?" + query, "overwrite"u8.ToArray());
        Assert.Equal(403, put.Status);
        Assert.Equal("auth error: presigned URLs are not supported for this method", Wire.Detail(put));
        var tooLong = _signer.PresignQuery("GET", path, Kid, DateTimeOffset.UtcNow, 8 * 24 * 3600);
        Assert.Equal(400, (await _server.SendAsync("GET", path + "?" + tooLong)).Status);
    }

    [Fact]
    public async Task A_presigned_signature_that_does_not_decode_is_401_like_a_wrong_one()
    {
        // The Python client's own test flips the signature's last character: 'A' when it is not already 'A', else 'B'.
        // The last of 86 base64url characters carries 2 bits and 4 must-be-zero bits, so 'B' does not decode
        // canonically; the reference decodes os_sig while verifying, so this is a failed verification (401), not a
        // malformed parameter (400).
        var path = $"/v1/objects/conformance/org=1/{Guid.NewGuid():N}";
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "signed"u8.ToArray(), [("x-os-auth", "Bearer " + Token())])).Status);
        var query = _signer.PresignQuery("GET", path, Kid, DateTimeOffset.UtcNow, 600);
        Assert.Equal(200, (await _server.SendAsync("GET", path + "?" + query)).Status);

        var nonCanonical = await _server.SendAsync("GET", path + "?" + query[..^1] + "B");
        Assert.Equal(401, nonCanonical.Status);
        Assert.Equal("auth error: failed to verify token", Wire.Detail(nonCanonical));
        var sig = query.IndexOf("&os_sig=", StringComparison.Ordinal) + "&os_sig=".Length;
        Assert.Equal(401, (await _server.SendAsync("GET", path + "?" + query[..sig] + "not-base64!")).Status);
        Assert.Equal(401, (await _server.SendAsync("GET", path + "?" + query[..sig] + TestSigner.B64(new byte[10]))).Status);
        // A missing parameter is still a malformed parameter set.
        Assert.Equal(400, (await _server.SendAsync("GET", path + "?" + query.Replace("os_kid=", "os_kid_=", StringComparison.Ordinal))).Status);
    }

    [Fact]
    public async Task Internal_endpoints_need_no_token()
    {
        Assert.Equal(200, (await _server.SendAsync("GET", "/health")).Status);
        Assert.Equal(200, (await _server.SendAsync("GET", "/ready")).Status);
        Assert.Equal(200, (await _server.SendAsync("GET", "/keda")).Status);
    }
}
