using System.Net;
using System.Text;
using ZstdSharp;

namespace ObjectStore.Client.Tests;

/// <summary>What single-object operations put on the wire, checked with a fake handler.</summary>
public sealed class ObjectStoreSessionTests
{
    private static readonly Usecase Attachments = new("attachments") { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)) };

    [Fact]
    public async Task Put_with_a_key_is_a_PUT_to_the_encoded_key_with_token_metadata_and_a_zstd_body()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.OK, """{"key":"a b/c%d"}"""));
        var session = handler.Client(key: new TestKey()).Session(Attachments, ("org", "42"), ("project", "1337"));

        var key = await session.PutAsync("hello"u8.ToArray(), new PutOptions
        {
            Key = "a b/c%d",
            ContentType = "text/plain",
            Origin = "203.0.113.42",
            Filename = "report.pdf",
            Metadata = new Dictionary<string, string> { ["Release"] = "v1" },
        });

        Assert.Equal("a b/c%d", key);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Put, request.Message.Method);
        Assert.Equal("/v1/objects/attachments/org=42;project=1337/a%20b/c%25d", request.Target);
        Assert.StartsWith("Bearer ey", request.Header("x-os-auth"));
        Assert.Equal("zstd", request.Header("content-encoding"));
        Assert.Equal("text/plain", request.Header("content-type"));
        Assert.Equal("ttl:1days", request.Header("x-sn-expiration"));
        Assert.Equal("203.0.113.42", request.Header("x-sn-origin"));
        Assert.Equal("report.pdf", request.Header("x-sn-filename"));
        Assert.Equal("v1", request.Header("x-snme-release"));
        using var decompressor = new Decompressor();
        Assert.Equal("hello"u8.ToArray(), decompressor.Unwrap(request.Body).ToArray());
    }

    [Fact]
    public async Task Put_without_a_key_POSTs_to_the_collection_with_a_trailing_slash_and_returns_the_generated_key()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.Created, """{"key":"67e55044-10b1-426f-9247-bb680e5fe0c8"}"""));
        var session = handler.Client(o => o.Token = "static").Session(new Usecase("u") { Compression = Compression.None }, Scope.Empty);

        var key = await session.PutAsync(new MemoryStream("raw"u8.ToArray()));

        Assert.Equal("67e55044-10b1-426f-9247-bb680e5fe0c8", key);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Message.Method);
        Assert.Equal("/v1/objects/u/_/", request.Target);
        Assert.Equal("Bearer static", request.Header("x-os-auth"));
        Assert.Null(request.Header("content-encoding"));
        Assert.Null(request.Header("x-sn-expiration"));
        Assert.Equal("raw"u8.ToArray(), request.Body);
    }

    [Theory]
    [InlineData("plain-key", "plain-key")]
    [InlineData("with space", "with%20space")]
    [InlineData("café-unicode", "caf%C3%A9-unicode")]
    [InlineData("plus+sign", "plus+sign")]
    [InlineData("sub!$'()*+,=delims", "sub!$'()*+,=delims")]
    [InlineData("100%literal-percent", "100%25literal-percent")]
    [InlineData("looks%20encoded", "looks%2520encoded")]
    [InlineData("nested/path/segments", "nested/path/segments")]
    [InlineData("question?hash#", "question%3Fhash%23")]
    [InlineData("a/../b", "a/../b")]
    public async Task Keys_are_percent_encoded_like_the_Python_client_and_sent_without_normalization(string key, string wire)
    {
        var handler = new FakeHandler((_, _) => new HttpResponseMessage(HttpStatusCode.NoContent));
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        await session.DeleteAsync(key);

        Assert.Equal("/v1/objects/u/_/" + wire, Assert.Single(handler.Requests).Target);
    }

    [Fact]
    public async Task Get_decompresses_zstd_and_reads_metadata_from_headers()
    {
        using var compressor = new Compressor();
        var frames = compressor.Wrap("hello "u8).ToArray().Concat(compressor.Wrap("world"u8).ToArray()).ToArray();
        var handler = new FakeHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(frames) };
            response.Content.Headers.TryAddWithoutValidation("content-type", "text/plain");
            response.Content.Headers.TryAddWithoutValidation("content-encoding", "zstd");
            response.Headers.TryAddWithoutValidation("x-sn-expiration", "ttl:11months 30days 3h 50m 24s");
            response.Headers.TryAddWithoutValidation("x-sn-time-created", "2023-11-14T22:13:20.000000Z");
            response.Headers.TryAddWithoutValidation("x-sn-origin", "203.0.113.42");
            response.Headers.TryAddWithoutValidation("x-snme-release", "v1");
            return response;
        });
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        await using var result = await session.GetAsync("k");

        Assert.NotNull(result);
        Assert.Equal("hello world", Encoding.UTF8.GetString(await result.ReadAllBytesAsync()));
        Assert.Equal(Compression.None, result.Metadata.Compression);
        Assert.Equal("text/plain", result.Metadata.ContentType);
        Assert.Equal(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(365)), result.Metadata.Expiration);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), result.Metadata.TimeCreated);
        Assert.Equal("203.0.113.42", result.Metadata.Origin);
        Assert.Equal("v1", result.Metadata.Custom["release"]);
    }

    [Fact]
    public async Task Get_and_head_of_a_missing_object_return_null_and_a_server_error_is_typed()
    {
        var handler = new FakeHandler((request, _) => request.Message.Method == HttpMethod.Delete
            ? FakeHandler.Json(HttpStatusCode.Forbidden, """{"detail":"auth error: operation not allowed"}""")
            : new HttpResponseMessage(HttpStatusCode.NotFound));
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        Assert.Null(await session.GetAsync("missing"));
        Assert.Null(await session.HeadAsync("missing"));
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => session.DeleteAsync("k"));
        Assert.Equal(403, error.StatusCode);
        Assert.Contains("operation not allowed", error.Message);
        Assert.Contains("\"detail\"", error.ResponseBody);
    }

    [Fact]
    public async Task A_range_is_sent_and_never_decompressed()
    {
        var handler = new FakeHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new ByteArrayContent("ell"u8.ToArray()) };
            response.Content.Headers.TryAddWithoutValidation("content-encoding", "zstd");
            response.Content.Headers.TryAddWithoutValidation("content-range", "bytes 1-3/22");
            return response;
        });
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        await using var result = await session.GetAsync("k", new GetOptions { Range = (1, 3) });

        Assert.Equal("bytes=1-3", Assert.Single(handler.Requests).Header("range"));
        Assert.Equal("ell"u8.ToArray(), await result!.ReadAllBytesAsync());
        Assert.Equal(Compression.Zstd, result.Metadata.Compression);
        Assert.Equal(22, result.ContentRange!.Length);
    }
}
