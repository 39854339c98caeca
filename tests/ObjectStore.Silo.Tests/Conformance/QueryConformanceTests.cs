using System.Text.Json;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// Query parameters on the single-object routes (docs/api.md, "Query parameters on object writes" and "Resumable
/// uploads"): a session request of a newer client is never taken as a plain write or delete, and one on a token this
/// server never issued is refused. Each damage case writes an object with metadata first and proves it unchanged after.
/// </summary>
public abstract class QueryConformance
{
    // "token" as unpadded base64url: a well-formed session token that this server never issued.
    private const string Token = "dG9rZW4";

    private readonly ConformanceServer _server;

    private protected QueryConformance(ConformanceServer server) => _server = server;

    private static string Unique(string name) => $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/{name}";

    private static readonly (string, string)[] Metadata =
    [
        ("content-type", "text/plain"),
        ("x-sn-expiration", "ttl:1h"),
        ("x-sn-origin", "10.0.0.7"),
        ("x-sn-filename", "kept.txt"),
        ("x-snme-build", "42"),
    ];

    private static readonly string[] MetadataNames =
    [
        "content-type", "content-encoding", "x-sn-expiration", "x-sn-time-created", "x-sn-time-expires", "x-sn-origin",
        "x-sn-filename", "x-snme-build", "content-disposition",
    ];

    /// <summary>Writes "original payload" with <see cref="Metadata"/> and returns what a GET answers for it.</summary>
    private async Task<(string Path, string Snapshot)> WriteOriginalAsync(string name)
    {
        var path = Unique(name);
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "original payload"u8.ToArray(), Metadata)).Status);
        var snapshot = await SnapshotAsync(path);
        Assert.Contains("x-snme-build: 42", snapshot);
        return (path, snapshot);
    }

    /// <summary>Status, metadata headers and payload of a GET, as one comparable string.</summary>
    private async Task<string> SnapshotAsync(string path)
    {
        var get = await _server.SendAsync("GET", path);
        var headers = MetadataNames.Select(n => $"{n}: {get.Header(n) ?? "(none)"}");
        return $"{get.Status}\n{string.Join('\n', headers)}\n{Wire.Text(get)}";
    }

    [Fact]
    public async Task A_resumable_create_on_an_existing_key_opens_a_session_and_leaves_the_object_unchanged()
    {
        var (path, before) = await WriteOriginalAsync("create");
        var response = await _server.SendAsync("PUT", path + "?upload_type=resumable", [], [("upload-length", "5"), ("x-snme-build", "evil")]);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.Header("content-type"));
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("create", json.RootElement.GetProperty("key").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("session").GetString()));
        Assert.Equal(before, await SnapshotAsync(path));
    }

    [Fact]
    public async Task A_resumable_create_with_POST_generates_the_key_and_needs_upload_length_first()
    {
        var collection = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/";
        var created = await _server.SendAsync("POST", collection + "?upload_type=resumable", [], [("upload-length", "1048576")]);
        Assert.Equal(200, created.Status);
        using (var json = JsonDocument.Parse(created.Body))
            Assert.Equal(404, (await _server.SendAsync("GET", collection + json.RootElement.GetProperty("key").GetString())).Status);
        var missing = await _server.SendAsync("POST", collection + "?upload_type=resumable", []);
        Assert.Equal(400, missing.Status);
        Assert.Equal("client error: upload-length header is required", Wire.Detail(missing));
        var notCount = await _server.SendAsync("PUT", collection + "k?upload_type=resumable", [], [("upload-length", "-1")]);
        Assert.Equal(400, notCount.Status);
        Assert.Equal("client error: upload-length must be a byte count", Wire.Detail(notCount));
        var withBody = await _server.SendAsync("PUT", collection + "k?upload_type=resumable", "data"u8.ToArray(), [("upload-length", "4")]);
        Assert.Equal(400, withBody.Status);
        Assert.Equal("client error: resumable session creation must be sent with an empty body", Wire.Detail(withBody));
        Assert.Equal(404, (await _server.SendAsync("GET", collection + "k")).Status);
    }

    [Fact]
    public async Task An_offset_query_without_a_body_never_overwrites_the_object()
    {
        var (path, before) = await WriteOriginalAsync("offset");
        foreach (var body in new byte[]?[] { null, [] })
        {
            var response = await _server.SendAsync("PUT", path + "?session=" + Token, body, [("upload-offset", "*")]);
            Assert.Equal(400, response.Status);
            Assert.Equal("service error: unknown upload session", Wire.Detail(response));
        }
        Assert.Equal(before, await SnapshotAsync(path));
    }

    [Fact]
    public async Task A_chunk_never_overwrites_the_object_whatever_its_offset_or_framing()
    {
        var (path, before) = await WriteOriginalAsync("chunk");
        var first = await _server.SendAsync("PUT", path + "?session=" + Token, "evil"u8.ToArray(), [("upload-offset", "0")]);
        Assert.Equal(400, first.Status);
        Assert.Equal("service error: unknown upload session", Wire.Detail(first));
        var chunked = await _server.SendAsync("PUT", path + "?session=" + Token, "evil"u8.ToArray(), [("upload-offset", "0")], chunked: true);
        Assert.Equal(400, chunked.Status);
        Assert.Equal("client error: Content-Length header is required", Wire.Detail(chunked));
        var noOffset = await _server.SendAsync("PUT", path + "?session=" + Token, "evil"u8.ToArray());
        Assert.Equal(400, noOffset.Status);
        Assert.Equal("client error: upload-offset header is required", Wire.Detail(noOffset));
        var badOffset = await _server.SendAsync("PUT", path + "?session=" + Token, "evil"u8.ToArray(), [("upload-offset", "nope")]);
        Assert.Equal(400, badOffset.Status);
        var starWithBody = await _server.SendAsync("PUT", path + "?session=" + Token, "evil"u8.ToArray(), [("upload-offset", "*")]);
        Assert.Equal(400, starWithBody.Status);
        Assert.Equal("client error: Upload-Offset: * must be sent with an empty body", Wire.Detail(starWithBody));
        Assert.Equal(before, await SnapshotAsync(path));
    }

    [Fact]
    public async Task A_session_cancel_never_deletes_the_object()
    {
        var (path, before) = await WriteOriginalAsync("cancel");
        var response = await _server.SendAsync("DELETE", path + "?session=" + Token);
        Assert.Equal(400, response.Status);
        Assert.Equal("service error: unknown upload session", Wire.Detail(response));
        var noSession = await _server.SendAsync("DELETE", path + "?upload_type=resumable");
        Assert.Equal(400, noSession.Status);
        Assert.Equal("client error: Failed to deserialize query string: missing field `session`", Wire.Detail(noSession));
        Assert.Equal(before, await SnapshotAsync(path));
    }

    [Theory]
    [InlineData("dG9rZW4=", "client error: session token must use unpadded base64url encoding")]
    [InlineData("a+b", "client error: session token must use unpadded base64url encoding")]
    [InlineData("_w", "client error: session token is not valid UTF-8")]
    [InlineData("_-8", "client error: session token is not valid UTF-8")]
    public async Task A_malformed_session_token_is_400_and_changes_nothing(string token, string detail)
    {
        var (path, before) = await WriteOriginalAsync("badtoken");
        var put = await _server.SendAsync("PUT", path + "?session=" + token, [], [("upload-offset", "*")]);
        Assert.Equal(400, put.Status);
        Assert.Equal(detail, Wire.Detail(put));
        Assert.Equal(400, (await _server.SendAsync("DELETE", path + "?session=" + token)).Status);
        Assert.Equal(before, await SnapshotAsync(path));
    }

    [Theory]
    [InlineData("PUT", "?foo=bar", "client error: unsupported query parameter `foo`")]
    [InlineData("PUT", "?version=2&upload_id=x", "client error: unsupported query parameter `version`")]
    [InlineData("DELETE", "?force", "client error: unsupported query parameter `force`")]
    [InlineData("PUT", "?upload_type=chunked", "client error: Failed to deserialize query string: upload_type: unknown variant `chunked`, expected `resumable`")]
    [InlineData("PUT", "?upload_type=", "client error: Failed to deserialize query string: upload_type: unknown variant ``, expected `resumable`")]
    [InlineData("DELETE", "?upload_type=multipart", "client error: Failed to deserialize query string: upload_type: unknown variant `multipart`, expected `resumable`")]
    [InlineData("PUT", "?upload_type=resumable&session=dG9rZW4", "client error: `upload_type` and `session` are mutually exclusive")]
    [InlineData("DELETE", "?session=dG9rZW4&upload_type=resumable", "client error: `upload_type` and `session` are mutually exclusive")]
    [InlineData("PUT", "?session=dG9rZW4&session=dG9rZW4", "client error: Failed to deserialize query string: duplicate field `session`")]
    public async Task Unknown_invalid_or_conflicting_parameters_on_a_write_or_delete_are_400_and_change_nothing(string method, string query, string detail)
    {
        var (path, before) = await WriteOriginalAsync("params");
        var response = await _server.SendAsync(method, path + query, method == "PUT" ? "replacement"u8.ToArray() : null,
            [("upload-offset", "0"), ("upload-length", "11")]);
        Assert.Equal(400, response.Status);
        Assert.Equal(detail, Wire.Detail(response));
        Assert.Equal(before, await SnapshotAsync(path));
    }

    [Fact]
    public async Task An_unknown_parameter_on_POST_is_400_and_stores_nothing_under_a_new_key()
    {
        var collection = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/";
        var response = await _server.SendAsync("POST", collection + "?mode=append", "x"u8.ToArray());
        Assert.Equal(400, response.Status);
        Assert.Equal("client error: unsupported query parameter `mode`", Wire.Detail(response));
        Assert.DoesNotContain("\"key\"", Wire.Text(response));
    }

    [Fact]
    public async Task Auth_parameters_are_allowed_on_writes_and_any_parameter_on_reads()
    {
        var path = Unique("auth-params");
        // Auth is off on this server: the os_ namespace is read (or not) by authentication, never refused.
        var put = await _server.SendAsync("PUT", path + "?os_auth=ignored-when-auth-is-off", "v"u8.ToArray());
        Assert.Equal(200, put.Status);
        using (var json = JsonDocument.Parse(put.Body)) Assert.Equal("auth-params", json.RootElement.GetProperty("key").GetString());
        Assert.Equal("v", Wire.Text(await _server.SendAsync("GET", path + "?cache-buster=1&session=" + Token)));
        Assert.Equal(200, (await _server.SendAsync("HEAD", path + "?upload_type=resumable")).Status);
        Assert.Equal(204, (await _server.SendAsync("DELETE", path + "?os_auth=x")).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", path)).Status);
    }
}

/// <summary>Against the embedded default.</summary>
public sealed class QueryConformanceTests(SharedServerFixture fixture) : QueryConformance(fixture.Server), IClassFixture<SharedServerFixture>;

/// <summary>Against a 3-server cluster on PostgreSQL and S3, requests spread over all servers.</summary>
public sealed class ClusterQueryConformanceTests(ClusterServerFixture fixture) : QueryConformance(fixture.Server), IClassFixture<ClusterServerFixture>;
