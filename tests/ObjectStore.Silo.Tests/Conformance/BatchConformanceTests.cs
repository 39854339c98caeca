using System.Text;
using System.Text.RegularExpressions;
using ObjectStore.Gateway.Tests.Http;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>The batch endpoint on the wire (api doc §7): request parts in, streamed multipart parts out.</summary>
public abstract partial class BatchConformance
{
    private readonly ConformanceServer _server;

    private protected BatchConformance(ConformanceServer server) => _server = server;

    [GeneratedRegex("^multipart/form-data; boundary=\"(os-boundary-[0-9a-f]{32})\"$")]
    private static partial Regex ResponseContentType();

    private sealed record Part(Dictionary<string, string> Headers, byte[] Body)
    {
        public int Index => int.Parse(Headers["x-sn-batch-operation-index"]);
        public int Status => int.Parse(Headers["x-sn-batch-operation-status"].Split(' ')[0]);
    }

    private static byte[] Body(string boundary, params (string[] Headers, byte[] Body)[] parts)
    {
        using var body = new MemoryStream();
        foreach (var (headers, payload) in parts)
        {
            body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\ncontent-disposition: form-data; name=part\r\n"));
            foreach (var header in headers) body.Write(Encoding.UTF8.GetBytes(header + "\r\n"));
            body.Write("\r\n"u8);
            body.Write(payload);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.UTF8.GetBytes($"--{boundary}--\r\n"));
        return body.ToArray();
    }

    private static List<Part> Parse(RawResponse response)
    {
        var match = ResponseContentType().Match(response.Header("content-type") ?? "");
        Assert.True(match.Success, response.Header("content-type"));
        var delimiter = "--" + match.Groups[1].Value;
        var text = Encoding.Latin1.GetString(response.Body);
        Assert.EndsWith(delimiter + "--", text);
        var parts = new List<Part>();
        foreach (var chunk in text[..^(delimiter.Length + 2)].Split(delimiter, StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("\r\n", chunk);
            Assert.EndsWith("\r\n", chunk);
            var inner = chunk[2..^2];
            var split = inner.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = split < 0 ? inner : inner[..split];
            var headers = new Dictionary<string, string>();
            foreach (var line in head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = line.IndexOf(':');
                headers[line[..colon]] = line[(colon + 1)..].Trim();
            }
            parts.Add(new Part(headers, Encoding.Latin1.GetBytes(split < 0 ? "" : inner[(split + 4)..])));
        }
        return parts;
    }

    [Fact]
    public async Task A_mixed_batch_answers_200_with_one_part_per_operation()
    {
        var target = $"/v1/objects:batch/conformance/org={Guid.NewGuid():N}/";
        var boundary = "b" + Guid.NewGuid().ToString("N");
        var body = Body(boundary,
            (["x-sn-batch-operation-kind: insert", "x-sn-batch-operation-key: test%2F0", "content-type: text/plain", "x-snme-tag: one"], "first"u8.ToArray()),
            (["x-sn-batch-operation-kind: INSERT"], "generated"u8.ToArray()),
            (["x-sn-batch-operation-kind: head", "x-sn-batch-operation-key: missing"], []),
            (["x-sn-batch-operation-kind: explode", "x-sn-batch-operation-key: x"], []),
            (["x-sn-batch-operation-kind: get"], []));
        var response = await _server.SendAsync("POST", target, body, [("content-type", $"multipart/form-data; boundary=\"{boundary}\"")], chunked: true);
        Assert.Equal(200, response.Status);
        Wire.AssertLowercaseNames(response);
        var parts = Parse(response).ToDictionary(p => p.Index);
        Assert.Equal([0, 1, 2, 3, 4], parts.Keys.Order());
        Assert.Equal(201, parts[0].Status);
        Assert.Equal("201 Created", parts[0].Headers["x-sn-batch-operation-status"]);
        Assert.Equal("insert", parts[0].Headers["x-sn-batch-operation-kind"]);
        Assert.Equal("test%2F0", parts[0].Headers["x-sn-batch-operation-key"]);
        Assert.Equal(201, parts[1].Status);
        Assert.Matches("^[0-9a-f]{8}%2D", parts[1].Headers["x-sn-batch-operation-key"]);
        Assert.Equal(404, parts[2].Status);
        Assert.Equal(400, parts[3].Status);
        Assert.False(parts[3].Headers.ContainsKey("x-sn-batch-operation-kind"));
        Assert.Contains("\"detail\"", Encoding.UTF8.GetString(parts[3].Body));
        Assert.Equal(400, parts[4].Status);

        // The inserted object is an ordinary object, and a second batch reads it back with its metadata.
        var objectPath = target.Replace("objects:batch", "objects") + "test/0";
        Assert.Equal("first", Wire.Text(await _server.SendAsync("GET", objectPath)));
        var read = Body(boundary,
            (["x-sn-batch-operation-kind: get", "x-sn-batch-operation-key: test%2F0"], []),
            (["x-sn-batch-operation-kind: head", "x-sn-batch-operation-key: test%2F0"], []));
        var second = Parse(await _server.SendAsync("POST", target, read, [("content-type", $"multipart/form-data; boundary={boundary}")]))
            .ToDictionary(p => p.Index);
        Assert.Equal(200, second[0].Status);
        Assert.Equal("first", Encoding.UTF8.GetString(second[0].Body));
        Assert.Equal("text/plain", second[0].Headers["content-type"]);
        Assert.Equal("one", second[0].Headers["x-snme-tag"]);
        Assert.Equal(204, second[1].Status);
        // Operations of one batch run concurrently, so the delete goes in a batch of its own.
        var delete = Body(boundary, (["x-sn-batch-operation-kind: delete", "x-sn-batch-operation-key: test%2F0"], []));
        var third = Assert.Single(Parse(await _server.SendAsync("POST", target, delete, [("content-type", $"multipart/form-data; boundary={boundary}")])));
        Assert.Equal(204, third.Status);
        Assert.Equal("delete", third.Headers["x-sn-batch-operation-kind"]);
        Assert.Equal(404, (await _server.SendAsync("GET", objectPath)).Status);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")]
    private static partial Regex StrictTimestamp();

    [Fact]
    public async Task Get_and_head_parts_carry_metadata_the_Rust_client_parses_strictly()
    {
        // The Rust client runs Metadata::from_headers on each part: content-type must be a media type,
        // content-encoding only "zstd", x-sn-expiration humantime, x-sn-time-* RFC 3339 with 'T' and 'Z'; every part
        // needs an integer index and a "code reason" status, and a successful part needs the percent-encoded key.
        var scopes = $"org={Guid.NewGuid():N}";
        var stored = await _server.SendAsync("PUT", $"/v1/objects/conformance/{scopes}/dir%2Fa%20b", "zstd-bytes"u8.ToArray(),
            [("content-type", "text/plain; charset=utf-8"), ("content-encoding", "zstd"), ("x-sn-expiration", "ttl:90m")]);
        Assert.Equal(200, stored.Status);
        var boundary = "rust";
        var body = Body(boundary,
            (["x-sn-batch-operation-kind: get", "x-sn-batch-operation-key: dir%2Fa%20b"], []),
            (["x-sn-batch-operation-kind: head", "x-sn-batch-operation-key: dir%2Fa%20b"], []),
            (["x-sn-batch-operation-kind: get", "x-sn-batch-operation-key: absent"], []));
        var parts = Parse(await _server.SendAsync("POST", $"/v1/objects:batch/conformance/{scopes}/", body,
            [("content-type", "multipart/form-data; boundary=rust")])).ToDictionary(p => p.Index);

        Assert.Equal([0, 1, 2], parts.Keys.Order());
        Assert.Equal("200 OK", parts[0].Headers["x-sn-batch-operation-status"]);
        Assert.Equal("204 No Content", parts[1].Headers["x-sn-batch-operation-status"]);
        Assert.Equal("404 Not Found", parts[2].Headers["x-sn-batch-operation-status"]);
        foreach (var part in new[] { parts[0], parts[1] })
        {
            Assert.Equal("dir%2Fa%20b", part.Headers["x-sn-batch-operation-key"]);
            Assert.Equal("text/plain; charset=utf-8", part.Headers["content-type"]);
            Assert.Equal("zstd", part.Headers["content-encoding"]);
            Assert.Equal("ttl:1h 30m", part.Headers["x-sn-expiration"]);
            Assert.Matches(StrictTimestamp(), part.Headers["x-sn-time-created"]);
            Assert.Matches(StrictTimestamp(), part.Headers["x-sn-time-expires"]);
        }
        Assert.Equal("zstd-bytes", Encoding.UTF8.GetString(parts[0].Body));
        Assert.Empty(parts[1].Body);
        Assert.Empty(parts[2].Body);
    }

    [Fact]
    public async Task A_declared_body_over_1_GiB_is_413_before_the_body_is_sent()
    {
        // Only the head and a few body bytes go out: the 413 can only arrive if the server judges the declared length.
        await using var connection = await RawHttpConnection.OpenAsync(_server.Port);
        var head = $"POST /v1/objects:batch/conformance/org={Guid.NewGuid():N}/ HTTP/1.1\r\nhost: 127.0.0.1\r\n" +
            $"content-type: multipart/form-data; boundary=b\r\ncontent-length: {(1L << 30) + 1}\r\n\r\n--b\r\n";
        await connection.SendAsync(Encoding.ASCII.GetBytes(head));
        var response = await connection.ReadResponseAsync(headRequest: false);
        Assert.Equal(413, response.Status);
        Assert.Equal("close", response.Header("connection"));
    }

    [Fact]
    public async Task A_batch_get_of_a_large_object_streams_it_from_long_term_storage()
    {
        var scopes = $"org={Guid.NewGuid():N}";
        var payload = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(payload);
        Assert.Equal(200, (await _server.SendAsync("PUT", $"/v1/objects/conformance/{scopes}/big", payload)).Status);
        var boundary = "xyz";
        var response = await _server.SendAsync("POST", $"/v1/objects:batch/conformance/{scopes}/",
            Body(boundary, (["x-sn-batch-operation-kind: get", "x-sn-batch-operation-key: big"], [])),
            [("content-type", "multipart/form-data; boundary=xyz")]);
        var part = Assert.Single(Parse(response));
        Assert.Equal(200, part.Status);
        Assert.Equal(payload, part.Body);
    }

    [Fact]
    public async Task A_truncated_batch_body_answers_its_parts_and_an_error_for_the_rest_never_a_500()
    {
        var scopes = $"org={Guid.NewGuid():N}";
        var body = Body("t", (["x-sn-batch-operation-kind: insert", "x-sn-batch-operation-key: kept"], "ok"u8.ToArray()));
        var truncated = body.AsSpan(0, body.Length - "--t--\r\n".Length).ToArray().Concat("--t\r\nx-sn-batch-operation-kind: insert\r\n\r\nhalf"u8.ToArray()).ToArray();
        var response = await _server.SendAsync("POST", $"/v1/objects:batch/conformance/{scopes}/", truncated, [("content-type", "multipart/form-data; boundary=t")]);
        Assert.Equal(200, response.Status);
        var parts = Parse(response).ToDictionary(p => p.Index);
        Assert.Equal(201, parts[0].Status);
        Assert.Equal(400, parts[1].Status);
        Assert.Equal("ok", Wire.Text(await _server.SendAsync("GET", $"/v1/objects/conformance/{scopes}/kept")));
    }

    [Fact]
    public async Task Operations_beyond_the_thousandth_are_413_and_not_executed()
    {
        var scopes = $"org={Guid.NewGuid():N}";
        var parts = Enumerable.Range(0, 1001)
            .Select(i => (new[] { "x-sn-batch-operation-kind: insert", $"x-sn-batch-operation-key: k{i}" }, "x"u8.ToArray()))
            .ToArray();
        var response = await _server.SendAsync("POST", $"/v1/objects:batch/conformance/{scopes}/", Body("many", parts),
            [("content-type", "multipart/form-data; boundary=many")], chunked: true);
        var results = Parse(response).ToDictionary(p => p.Index);
        Assert.Equal(1001, results.Count);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(201, results[i].Status));
        Assert.Equal(413, results[1000].Status);
        Assert.Equal(200, (await _server.SendAsync("GET", $"/v1/objects/conformance/{scopes}/k999")).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", $"/v1/objects/conformance/{scopes}/k1000")).Status);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("multipart/form-data")]
    public async Task A_batch_that_is_not_multipart_with_a_boundary_is_400_text(string contentType)
    {
        var response = await _server.SendAsync("POST", "/v1/objects:batch/conformance/_/", "{}"u8.ToArray(), [("content-type", contentType)]);
        Assert.Equal(400, response.Status);
        Assert.StartsWith("text/plain", response.Header("content-type"));
    }

    [Fact]
    public async Task An_insert_over_one_MiB_is_a_413_operation_error_and_nothing_is_stored()
    {
        var scopes = $"org={Guid.NewGuid():N}";
        var response = await _server.SendAsync("POST", $"/v1/objects:batch/conformance/{scopes}/",
            Body("b", (["x-sn-batch-operation-kind: insert", "x-sn-batch-operation-key: huge"], new byte[1024 * 1024 + 1])),
            [("content-type", "multipart/form-data; boundary=b")]);
        Assert.Equal(200, response.Status);
        Assert.Equal(413, Assert.Single(Parse(response)).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", $"/v1/objects/conformance/{scopes}/huge")).Status);
    }
}

/// <summary>Against the embedded default.</summary>
public sealed class BatchConformanceTests(SharedServerFixture fixture) : BatchConformance(fixture.Server), IClassFixture<SharedServerFixture>;

/// <summary>Against a 3-server cluster on PostgreSQL and S3, requests spread over all servers.</summary>
public sealed class ClusterBatchConformanceTests(ClusterServerFixture fixture) : BatchConformance(fixture.Server), IClassFixture<ClusterServerFixture>;
