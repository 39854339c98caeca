using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class LowercaseResponseHeadersTests
{
    private static readonly byte[] TrickyBody = Encoding.ASCII.GetBytes("abc\r\n\r\nContent-Type: X\r\nHTTP/1.1 200 OK\r\nServer: Y\r\n\r\ntail");

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static async Task Handle(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        switch (request.Path.Value)
        {
            case "/meta":
                response.Headers["content-type"] = "Text/Plain; Charset=UTF-8";
                response.Headers["content-encoding"] = "zstd";
                response.Headers["accept-ranges"] = "bytes";
                response.Headers["content-disposition"] = "attachment; filename=\"A.TXT\"";
                response.Headers["X-Sn-Origin"] = "Mixed-Case-Value";
                response.ContentLength = 5;
                await response.WriteAsync("hello");
                break;
            case "/tricky":
                response.ContentType = "application/octet-stream";
                response.ContentLength = TrickyBody.Length;
                await response.Body.WriteAsync(TrickyBody);
                break;
            case "/tricky-chunked":
                response.ContentType = "application/octet-stream";
                foreach (var piece in TrickyBody.Chunk(7))
                {
                    await response.Body.WriteAsync(piece);
                    await response.Body.FlushAsync();
                }
                break;
            case "/stream":
            {
                var size = int.Parse(request.Query["size"]!);
                var body = Pattern(size);
                var random = new Random(1);
                for (var offset = 0; offset < size;)
                {
                    var take = Math.Min(size - offset, random.Next(1, 256 * 1024));
                    await response.Body.WriteAsync(body.AsMemory(offset, take));
                    offset += take;
                }
                break;
            }
            case "/large":
            {
                var body = Pattern(int.Parse(request.Query["size"]!));
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body);
                break;
            }
            case "/empty":
                response.StatusCode = 204;
                response.Headers["X-Sn-Expiration"] = "ttl:1h";
                break;
            case "/echo":
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer);
                var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
                response.ContentType = "text/plain";
                await response.WriteAsync($"{buffer.Length}:{hash}");
                break;
            }
            default:
                response.StatusCode = 404;
                break;
        }
    }

    private static void AssertLowercaseNames(RawResponse response)
    {
        Assert.NotEmpty(response.Headers);
        foreach (var (name, _) in response.Headers) Assert.Equal(name.ToLowerInvariant(), name);
    }

    [Fact]
    public async Task Known_header_names_arrive_lowercase_and_values_keep_their_case()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        AssertLowercaseNames(response);
        var names = response.Headers.Select(h => h.Name).ToHashSet();
        foreach (var expected in new[] { "content-type", "content-encoding", "accept-ranges", "content-disposition", "content-length", "date", "server", "x-sn-origin" })
            Assert.Contains(expected, names);
        Assert.Contains("content-type: Text/Plain; Charset=UTF-8", response.Head);
        Assert.Contains("content-disposition: attachment; filename=\"A.TXT\"", response.Head);
        Assert.Contains("x-sn-origin: Mixed-Case-Value", response.Head);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response.Head);
        Assert.Equal("hello", Encoding.ASCII.GetString(response.Body));
    }

    [Fact]
    public async Task Without_the_middleware_Kestrel_title_cases_known_names()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle, lowercase: false);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Contains("Content-Type: ", response.Head);
    }

    [Fact]
    public async Task Bodies_that_look_like_headers_pass_byte_exact()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        await connection.SendAsync("GET /tricky HTTP/1.1\r\nHost: x\r\n\r\n");
        var fixedLength = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /tricky-chunked HTTP/1.1\r\nHost: x\r\n\r\n");
        var chunked = await connection.ReadResponseAsync();

        Assert.Equal(TrickyBody, fixedLength.Body);
        Assert.Equal("chunked", chunked.Header("transfer-encoding"));
        Assert.Equal(TrickyBody, chunked.Body);
        AssertLowercaseNames(fixedLength);
        AssertLowercaseNames(chunked);
    }

    [Fact]
    public async Task Every_response_on_a_keep_alive_connection_is_rewritten()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        var paths = new[] { "/meta", "/tricky-chunked", "/empty", "/missing", "/stream?size=70000", "/tricky", "/meta" };
        foreach (var path in paths)
        {
            await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            var response = await connection.ReadResponseAsync();
            AssertLowercaseNames(response);
            if (path == "/stream?size=70000") Assert.Equal(Pattern(70000), response.Body);
        }
    }

    [Fact]
    public async Task Pipelined_requests_sent_at_once_all_come_back_lowercase()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        var request = new StringBuilder();
        for (var i = 0; i < 5; i++) request.Append("GET /tricky HTTP/1.1\r\nHost: x\r\n\r\nGET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
        await connection.SendAsync(request.ToString());

        for (var i = 0; i < 5; i++)
        {
            var tricky = await connection.ReadResponseAsync();
            Assert.Equal(TrickyBody, tricky.Body);
            AssertLowercaseNames(tricky);
            var empty = await connection.ReadResponseAsync();
            Assert.Equal(204, empty.Status);
            Assert.Contains("x-sn-expiration: ttl:1h", empty.Head);
            AssertLowercaseNames(empty);
        }
    }

    [Fact]
    public async Task Head_responses_announce_a_length_but_the_next_response_is_still_found()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        await connection.SendAsync("HEAD /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = await connection.ReadResponseAsync(headRequest: true);
        await connection.SendAsync("HEAD /stream?size=10 HTTP/1.1\r\nHost: x\r\n\r\n");
        var headStream = await connection.ReadResponseAsync(headRequest: true);
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var get = await connection.ReadResponseAsync();

        Assert.Equal("5", head.Header("content-length"));
        AssertLowercaseNames(head);
        AssertLowercaseNames(headStream);
        AssertLowercaseNames(get);
        Assert.Equal("hello", Encoding.ASCII.GetString(get.Body));
    }

    [Fact]
    public async Task Large_bodies_stream_through_unchanged_in_both_framings()
    {
        const int size = 12 * 1024 * 1024 + 17;
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        await connection.SendAsync($"GET /large?size={size} HTTP/1.1\r\nHost: x\r\n\r\n");
        var fixedLength = await connection.ReadResponseAsync();
        await connection.SendAsync($"GET /stream?size={size} HTTP/1.1\r\nHost: x\r\n\r\n");
        var chunked = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var after = await connection.ReadResponseAsync();

        var expected = SHA256.HashData(Pattern(size));
        Assert.Equal(expected, SHA256.HashData(fixedLength.Body));
        Assert.Equal(expected, SHA256.HashData(chunked.Body));
        AssertLowercaseNames(after);
    }

    [Fact]
    public async Task Request_bodies_in_either_framing_do_not_confuse_the_request_side()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);
        var payload = "HEAD /meta HTTP/1.1\r\n\r\n";

        // A body that looks like a HEAD request must not be taken for one.
        await connection.SendAsync($"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {payload.Length}\r\n\r\n{payload}");
        var sized = await connection.ReadResponseAsync();
        await connection.SendAsync($"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{payload.Length:x}\r\n{payload}\r\n0\r\n\r\n");
        var chunked = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var after = await connection.ReadResponseAsync();

        Assert.StartsWith($"{payload.Length}:", Encoding.ASCII.GetString(sized.Body));
        Assert.Equal(sized.Body, chunked.Body);
        AssertLowercaseNames(sized);
        AssertLowercaseNames(chunked);
        Assert.Equal("hello", Encoding.ASCII.GetString(after.Body));
    }

    [Fact]
    public async Task Interim_continue_responses_are_followed_by_a_rewritten_final_response()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
        var interim = await connection.ReadResponseAsync();
        await connection.SendAsync("abc");
        var final = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var after = await connection.ReadResponseAsync();

        Assert.Equal(100, interim.Status);
        Assert.StartsWith("3:", Encoding.ASCII.GetString(final.Body));
        AssertLowercaseNames(final);
        AssertLowercaseNames(after);
    }

    [Fact]
    public async Task An_upgrade_request_that_is_not_switched_keeps_the_connection_tracked()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
        var first = await connection.ReadResponseAsync();
        await connection.SendAsync("HEAD /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = await connection.ReadResponseAsync(headRequest: true);
        await connection.SendAsync("GET /meta HTTP/1.1\r\nHost: x\r\n\r\n");
        var after = await connection.ReadResponseAsync();

        AssertLowercaseNames(first);
        AssertLowercaseNames(head);
        AssertLowercaseNames(after);
        Assert.Equal("hello", Encoding.ASCII.GetString(after.Body));
    }

    [Fact]
    public async Task Http2_only_endpoints_are_left_alone()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle, protocols: HttpProtocols.Http2);
        using var client = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.GetAsync($"http://127.0.0.1:{server.Port}/tricky");

        Assert.Equal(System.Net.HttpVersion.Version20, response.Version);
        Assert.Equal(TrickyBody, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Http2_frames_on_a_mixed_endpoint_pass_through_intact()
    {
        // Kestrel answers cleartext HTTP/2 on a mixed endpoint with GOAWAY(HTTP_1_1_REQUIRED); the
        // client can only decode that error if the frame bytes were not rewritten.
        await using var server = await KestrelTestServer.StartAsync(Handle, protocols: HttpProtocols.Http1AndHttp2);
        using var client = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        // On a loaded machine the client may see the connection close before it reads the GOAWAY frame ("could not be
        // established"); a rewritten frame never decodes, so a few attempts tell the two apart.
        var errors = new List<string>();
        for (var attempt = 0; attempt < 5 && !errors.Exists(e => e.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal)); attempt++)
            errors.Add((await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{server.Port}/meta"))).ToString());

        Assert.Contains(errors, e => e.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal));
    }
}
