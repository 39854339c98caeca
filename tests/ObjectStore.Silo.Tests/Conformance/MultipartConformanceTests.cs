using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>The multipart upload protocol on the wire (api doc §8).</summary>
public abstract class MultipartConformance
{
    private readonly ConformanceServer _server;

    private protected MultipartConformance(ConformanceServer server) => _server = server;
    private readonly string _scopes = $"org={Guid.NewGuid():N}";

    private string Path(string resource, string key, string query = "") =>
        $"/v1/{resource}/conformance/{_scopes}/{key}" + (query.Length > 0 ? "?" + query : "");

    private async Task<string> InitiateAsync(string key, params (string, string)[] headers)
    {
        var response = await _server.SendAsync("PUT", Path("objects:multipart", key), headers: headers);
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(key, json.RootElement.GetProperty("key").GetString());
        return json.RootElement.GetProperty("upload_id").GetString()!;
    }

    private async Task<string> UploadAsync(string key, string uploadId, int part, byte[] body, params (string, string)[] headers)
    {
        var response = await _server.SendAsync("PUT", Path("objects:multipart:parts", key, $"upload_id={Uri.EscapeDataString(uploadId)}&part_number={part}"), body, headers);
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        return json.RootElement.GetProperty("etag").GetString()!;
    }

    private async Task<JsonDocument> CompleteAsync(string key, string uploadId, params (int Part, string ETag)[] parts)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { parts = parts.Select(p => new { part_number = p.Part, etag = p.ETag }) });
        var response = await _server.SendAsync("POST", Path("objects:multipart:complete", key, $"upload_id={Uri.EscapeDataString(uploadId)}"), body,
            [("content-type", "application/json")]);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.Header("content-type"));
        var text = Wire.Text(response);
        // Keep-alive spaces may precede the one JSON document; nothing else may.
        Assert.Equal(text.TrimStart(' '), text.Trim());
        return JsonDocument.Parse(text.Trim());
    }

    [Fact]
    public async Task Tiny_parts_upload_list_and_complete_into_one_object_with_the_initiate_metadata()
    {
        var uploadId = await InitiateAsync("assembled", ("content-type", "text/plain"), ("x-snme-origin", "multipart"));
        var etag1 = await UploadAsync("assembled", uploadId, 1, "hello "u8.ToArray());
        var etag2 = await UploadAsync("assembled", uploadId, 2, "world"u8.ToArray(), ("content-md5", Convert.ToBase64String(MD5.HashData("world"u8))));

        var list = await _server.SendAsync("GET", Path("objects:multipart:parts", "assembled", $"upload_id={Uri.EscapeDataString(uploadId)}&max_parts=1"));
        Assert.Equal(200, list.Status);
        using (var json = JsonDocument.Parse(list.Body))
        {
            var part = Assert.Single(json.RootElement.GetProperty("parts").EnumerateArray());
            Assert.Equal(1, part.GetProperty("part_number").GetInt32());
            Assert.Equal(etag1, part.GetProperty("etag").GetString());
            Assert.Equal(6, part.GetProperty("size").GetInt64());
            Assert.EndsWith("Z", part.GetProperty("last_modified").GetString());
            Assert.True(json.RootElement.GetProperty("is_truncated").GetBoolean());
            Assert.Equal(1, json.RootElement.GetProperty("next_part_number_marker").GetInt32());
        }
        var rest = await _server.SendAsync("GET", Path("objects:multipart:parts", "assembled", $"upload_id={Uri.EscapeDataString(uploadId)}&part_number_marker=1"));
        using (var json = JsonDocument.Parse(rest.Body))
        {
            Assert.Equal(2, Assert.Single(json.RootElement.GetProperty("parts").EnumerateArray()).GetProperty("part_number").GetInt32());
            Assert.False(json.RootElement.GetProperty("is_truncated").GetBoolean());
            Assert.False(json.RootElement.TryGetProperty("next_part_number_marker", out _));
        }

        using var done = await CompleteAsync("assembled", uploadId, (1, etag1), (2, etag2));
        Assert.Equal("assembled", done.RootElement.GetProperty("key").GetString());
        var get = await _server.SendAsync("GET", Path("objects", "assembled"));
        Assert.Equal("hello world", Wire.Text(get));
        Assert.Equal("text/plain", get.Header("content-type"));
        Assert.Equal("multipart", get.Header("x-snme-origin"));
    }

    [Fact]
    public async Task Initiate_and_list_parts_answer_what_the_Rust_client_deserializes_strictly()
    {
        // The Rust client POSTs to objects:multipart/{u}/{s} with no trailing slash, validates upload_id as one
        // normal path segment, reads last_modified with humantime's RFC 3339 parser and part numbers as NonZeroU32.
        var initiate = await _server.SendAsync("POST", $"/v1/objects:multipart/conformance/{_scopes}");
        Assert.Equal(200, initiate.Status);
        string key, uploadId;
        using (var json = JsonDocument.Parse(initiate.Body))
        {
            key = json.RootElement.GetProperty("key").GetString()!;
            uploadId = json.RootElement.GetProperty("upload_id").GetString()!;
        }
        Assert.NotEmpty(uploadId);
        Assert.DoesNotContain('/', uploadId);
        Assert.DoesNotContain('\\', uploadId);
        Assert.NotEqual(".", uploadId);
        Assert.NotEqual("..", uploadId);

        await UploadAsync(key, uploadId, 3, "c"u8.ToArray());
        await UploadAsync(key, uploadId, 1, "a"u8.ToArray());
        var list = await _server.SendAsync("GET", Path("objects:multipart:parts", key, $"upload_id={Uri.EscapeDataString(uploadId)}"));
        Assert.Equal(200, list.Status);
        Assert.Equal("application/json", list.Header("content-type"));
        using var parts = JsonDocument.Parse(list.Body);
        var numbers = new List<int>();
        foreach (var part in parts.RootElement.GetProperty("parts").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Number, part.GetProperty("part_number").ValueKind);
            numbers.Add(part.GetProperty("part_number").GetInt32());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$", part.GetProperty("last_modified").GetString());
            Assert.Equal(1, part.GetProperty("size").GetInt64());
            Assert.Equal(JsonValueKind.String, part.GetProperty("etag").ValueKind);
        }
        Assert.Equal([1, 3], numbers);
        Assert.Equal(JsonValueKind.False, parts.RootElement.GetProperty("is_truncated").ValueKind);
    }

    [Fact]
    public async Task A_bad_etag_completes_with_an_error_document_and_no_object()
    {
        var uploadId = await InitiateAsync("bad-etag");
        await UploadAsync("bad-etag", uploadId, 1, "data"u8.ToArray());
        using var outcome = await CompleteAsync("bad-etag", uploadId, (1, "\"not-the-etag\""));
        var error = outcome.RootElement.GetProperty("error");
        Assert.Equal("InvalidPart", error.GetProperty("code").GetString());
        Assert.NotEmpty(error.GetProperty("message").GetString()!);
        Assert.Equal(404, (await _server.SendAsync("GET", Path("objects", "bad-etag"))).Status);
    }

    [Fact]
    public async Task POST_initiate_generates_a_key_and_abort_is_204_even_twice()
    {
        var response = await _server.SendAsync("POST", $"/v1/objects:multipart/conformance/{_scopes}");
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        var key = json.RootElement.GetProperty("key").GetString()!;
        var uploadId = json.RootElement.GetProperty("upload_id").GetString()!;
        Assert.Equal(36, key.Length);
        await UploadAsync(key, uploadId, 1, "x"u8.ToArray());
        var abort = Path("objects:multipart", key, $"upload_id={Uri.EscapeDataString(uploadId)}");
        Assert.Equal(204, (await _server.SendAsync("DELETE", abort)).Status);
        Assert.Equal(204, (await _server.SendAsync("DELETE", abort)).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", Path("objects", key))).Status);
    }

    [Fact]
    public async Task A_part_without_Content_Length_is_400_json()
    {
        var uploadId = await InitiateAsync("chunked-part");
        var response = await _server.SendAsync("PUT", Path("objects:multipart:parts", "chunked-part", $"upload_id={Uri.EscapeDataString(uploadId)}&part_number=1"),
            "abc"u8.ToArray(), chunked: true);
        Assert.Equal(400, response.Status);
        Assert.Equal("client error: Content-Length header is required", Wire.Detail(response));
    }

    [Fact]
    public async Task A_wrong_Content_MD5_is_rejected()
    {
        var uploadId = await InitiateAsync("md5");
        var response = await _server.SendAsync("PUT", Path("objects:multipart:parts", "md5", $"upload_id={Uri.EscapeDataString(uploadId)}&part_number=1"),
            "abc"u8.ToArray(), [("content-md5", Convert.ToBase64String(MD5.HashData("xyz"u8)))]);
        Assert.Equal(400, response.Status);
    }

    [Theory]
    [InlineData("part_number=1")]
    [InlineData("upload_id=x&part_number=0")]
    [InlineData("upload_id=x&part_number=one")]
    [InlineData("upload_id=../x&part_number=1")]
    [InlineData("upload_id=&part_number=1")]
    public async Task Bad_part_query_strings_are_400_plain_text(string query)
    {
        var response = await _server.SendAsync("PUT", Path("objects:multipart:parts", "q", query), "x"u8.ToArray());
        Assert.Equal(400, response.Status);
        Assert.StartsWith("text/plain", response.Header("content-type"));
    }

    [Fact]
    public async Task Abort_without_upload_id_is_400_and_an_unknown_upload_id_is_a_clear_4xx()
    {
        Assert.Equal(400, (await _server.SendAsync("DELETE", Path("objects:multipart", "k"))).Status);
        var upload = await _server.SendAsync("PUT", Path("objects:multipart:parts", "k", "upload_id=bm90LWEtcmVhbC1pZA&part_number=1"), "x"u8.ToArray());
        Assert.InRange(upload.Status, 400, 499);
    }

    [Theory]
    [InlineData("text/plain", "{\"parts\":[]}", 415)]
    [InlineData(null, "{\"parts\":[]}", 415)]
    [InlineData("application/json", "{\"parts\":[", 400)]
    [InlineData("application/json", "{\"parts\":[{\"part_number\":0,\"etag\":\"e\"}]}", 422)]
    [InlineData("application/json", "{\"parts\":[{\"part_number\":1}]}", 422)]
    [InlineData("application/json", "[1,2]", 422)]
    public async Task Bad_complete_bodies_are_framework_errors(string? contentType, string body, int status)
    {
        var uploadId = await InitiateAsync("bad-complete");
        var response = await _server.SendAsync("POST", Path("objects:multipart:complete", "bad-complete", $"upload_id={Uri.EscapeDataString(uploadId)}"),
            Encoding.UTF8.GetBytes(body), contentType is null ? [] : [("content-type", contentType)]);
        Assert.Equal(status, response.Status);
        Assert.StartsWith("text/plain", response.Header("content-type"));
    }

    [Fact]
    public async Task A_complete_body_over_2_MB_is_413()
    {
        var uploadId = await InitiateAsync("huge-complete");
        var body = Encoding.UTF8.GetBytes("{\"parts\":[" + new string(' ', 2 * 1024 * 1024) + "]}");
        var response = await _server.SendAsync("POST", Path("objects:multipart:complete", "huge-complete", $"upload_id={Uri.EscapeDataString(uploadId)}"),
            body, [("content-type", "application/json")]);
        Assert.Equal(413, response.Status);
    }
}

/// <summary>Against the embedded default.</summary>
public sealed class MultipartConformanceTests(SharedServerFixture fixture) : MultipartConformance(fixture.Server), IClassFixture<SharedServerFixture>;

/// <summary>Against a 3-server cluster on PostgreSQL and S3, requests spread over all servers.</summary>
public sealed class ClusterMultipartConformanceTests(ClusterServerFixture fixture) : MultipartConformance(fixture.Server), IClassFixture<ClusterServerFixture>;
