using System.Net;
using ObjectStore.Client.Tests.Http;
using ZstdSharp;

namespace ObjectStore.Client.Tests.EndToEnd;

/// <summary>
/// The C# counterparts of objectstore's Python end-to-end suite (clients/python/tests/test_e2e.py, 0.2) for objects,
/// auth and URLs, against the real server with auth enforced. Test names follow the Python ones.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ObjectsEndToEndTests(ServerFixture server) : IDisposable
{
    private static readonly Usecase TestUsecase = new("test-usecase") { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)) };

    /// <summary>Stored uncompressed, so a plain HTTP GET of a URL returns the original bytes.</summary>
    private static readonly Usecase Uncompressed = TestUsecase with { Compression = Compression.None };

    private readonly ObjectStoreClient _client = new(server.Options());

    private ObjectStoreSession Session(Usecase? usecase = null) => _client.Session(usecase ?? TestUsecase, ("org", "42"), ("project", "1337"));

    [Fact]
    public async Task Full_cycle()
    {
        var session = Session();

        var key = await session.PutAsync("test data"u8.ToArray());
        await using (var retrieved = await session.GetAsync(key))
        {
            Assert.NotNull(retrieved);
            Assert.Equal("test data"u8.ToArray(), await retrieved.ReadAllBytesAsync());
            Assert.NotNull(retrieved.Metadata.TimeCreated);
            Assert.Null(retrieved.Metadata.Filename);
        }

        Assert.Equal(key, await session.PutAsync("new data"u8.ToArray(), new PutOptions { Key = key }));
        await using (var retrieved = await session.GetAsync(key))
            Assert.Equal("new data"u8.ToArray(), await retrieved!.ReadAllBytesAsync());

        await session.DeleteAsync(key);
        Assert.Null(await session.GetAsync(key));
    }

    [Fact]
    public async Task Head()
    {
        var session = Session();
        var key = await session.PutAsync("test data"u8.ToArray(), new PutOptions { Origin = "203.0.113.42" });

        var metadata = await session.HeadAsync(key);
        Assert.NotNull(metadata);
        Assert.NotNull(metadata.TimeCreated);
        Assert.Equal("203.0.113.42", metadata.Origin);
        Assert.Equal(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)), metadata.Expiration);
        Assert.Equal(metadata.TimeCreated + TimeSpan.FromDays(1), metadata.TimeExpires);

        await session.DeleteAsync(key);
        Assert.Null(await session.HeadAsync(key));
    }

    [Fact]
    public async Task Time_to_idle_and_manual_expiration_round_trip()
    {
        var session = Session();
        var idle = await session.PutAsync("idle"u8.ToArray(), new PutOptions { Expiration = ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(2)) });
        var manual = await session.PutAsync("manual"u8.ToArray(), new PutOptions { Expiration = ExpirationPolicy.Manual });

        var idleMetadata = await session.HeadAsync(idle);
        Assert.Equal(ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(2)), idleMetadata!.Expiration);
        Assert.NotNull(idleMetadata.TimeExpires);
        var manualMetadata = await session.HeadAsync(manual);
        Assert.Equal(ExpirationPolicy.Manual, manualMetadata!.Expiration);
        Assert.Null(manualMetadata.TimeExpires);
    }

    [Fact]
    public async Task Full_cycle_with_origin()
    {
        var session = Session();
        var key = await session.PutAsync("test data"u8.ToArray(), new PutOptions { Origin = "203.0.113.42", Filename = "report.pdf" });

        await using var retrieved = await session.GetAsync(key);
        Assert.Equal("test data"u8.ToArray(), await retrieved!.ReadAllBytesAsync());
        Assert.Equal("203.0.113.42", retrieved.Metadata.Origin);
        Assert.Equal("report.pdf", retrieved.Metadata.Filename);
    }

    [Fact]
    public async Task Full_cycle_uncompressed()
    {
        var session = _client.Session(Uncompressed, ("my_scope", "42"), ("my_nested_scope", "something!"));
        using var compressor = new Compressor();
        var compressed = compressor.Wrap("test data"u8).ToArray();

        var key = await session.PutAsync(compressed, new PutOptions { Compression = Compression.None });

        await using var retrieved = await session.GetAsync(key);
        var bytes = await retrieved!.ReadAllBytesAsync();
        Assert.Equal(compressed, bytes);
        using var decompressor = new Decompressor();
        Assert.Equal("test data"u8.ToArray(), decompressor.Unwrap(bytes).ToArray());
    }

    [Fact]
    public async Task Precompressed_payload_is_stored_verbatim_and_decompressed_on_get()
    {
        var session = Session();
        using var compressor = new Compressor();
        var compressed = compressor.Wrap("test data"u8).ToArray();

        var key = await session.PutAsync(compressed, new PutOptions { AlreadyCompressed = true });

        await using (var raw = await session.GetAsync(key, new GetOptions { Decompress = false }))
        {
            Assert.Equal(Compression.Zstd, raw!.Metadata.Compression);
            Assert.Equal(compressed, await raw.ReadAllBytesAsync());
        }
        await using var decompressed = await session.GetAsync(key);
        Assert.Equal(Compression.None, decompressed!.Metadata.Compression);
        Assert.Equal("test data"u8.ToArray(), await decompressed.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Full_cycle_structured_key()
    {
        var session = Session();
        Assert.Equal("1/shard-0.json", await session.PutAsync("test data"u8.ToArray(), new PutOptions { Key = "1/shard-0.json" }));

        await using var retrieved = await session.GetAsync("1/shard-0.json");
        Assert.Equal("test data"u8.ToArray(), await retrieved!.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Not_found_with_different_scope()
    {
        var key = await Session().PutAsync("test data"u8.ToArray());

        Assert.Null(await _client.Session(TestUsecase, ("org", "42"), ("project", "9999")).GetAsync(key));
    }

    [Fact]
    public async Task Full_cycle_with_static_token()
    {
        var token = Session().MintToken();
        using var client = new ObjectStoreClient(new ObjectStoreClientOptions { BaseAddress = server.BaseAddress, Token = token });
        var session = client.Session(TestUsecase, ("org", "42"), ("project", "1337"));

        var key = await session.PutAsync("static token data"u8.ToArray());
        await using (var retrieved = await session.GetAsync(key))
            Assert.Equal("static token data"u8.ToArray(), await retrieved!.ReadAllBytesAsync());
        await session.DeleteAsync(key);
        Assert.Null(await session.GetAsync(key));
    }

    [Fact]
    public async Task Fails_with_insufficient_auth_perms()
    {
        using var client = new ObjectStoreClient(server.Options(o => o.SigningKey = new ObjectStoreSigningKey
        {
            KeyId = ServerFixture.KeyId,
            PrivateKeyPem = server.PrivateKeyPem,
            Permissions = ObjectStorePermissions.None,
        }));

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            client.Session(TestUsecase, ("org", "42"), ("project", "1337")).PutAsync("test data"u8.ToArray()));

        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public async Task Range_reads_the_stored_bytes()
    {
        var session = Session(Uncompressed);
        var key = await session.PutAsync("0123456789abcdefghijkl"u8.ToArray());

        await using var part = await session.GetAsync(key, new GetOptions { Range = (13, null) });

        Assert.Equal("defghijkl"u8.ToArray(), await part!.ReadAllBytesAsync());
        Assert.Equal(13, part.ContentRange!.From);
        Assert.Equal(22, part.ContentRange.Length);
        var unsatisfiable = await Assert.ThrowsAsync<ObjectStoreException>(() => session.GetAsync(key, new GetOptions { Range = (100, 200) }));
        Assert.Equal(416, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task Put_from_text_file_and_stream_with_custom_metadata()
    {
        var session = Session();
        var path = Path.Combine(server.Directory, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(path, [1, 2, 3]);

        var fromText = await session.PutAsync("héllo", new PutOptions { Metadata = new Dictionary<string, string> { ["my-key"] = "my-value" } });
        var fromFile = await session.PutFileAsync(path);
        var fromStream = await session.PutAsync(new ForwardOnlyStream([4, 5]), new PutOptions { Key = "from-stream" });

        await using (var text = await session.GetAsync(fromText))
        {
            Assert.Equal("héllo", System.Text.Encoding.UTF8.GetString(await text!.ReadAllBytesAsync()));
            Assert.Equal("text/plain; charset=utf-8", text.Metadata.ContentType);
            Assert.Equal("my-value", text.Metadata.Custom["my-key"]);
        }
        await using (var file = await session.GetAsync(fromFile))
            Assert.Equal([1, 2, 3], await file!.ReadAllBytesAsync());
        await using (var stream = await session.GetAsync(fromStream))
            Assert.Equal([4, 5], await stream!.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Presigned_get_succeeds()
    {
        var session = Session(Uncompressed);
        await session.PutAsync("presigned hello"u8.ToArray(), new PutOptions { Key = "presigned-get" });

        var (status, body) = await FetchAsync(session.PresignedUrl(HttpMethod.Get, "presigned-get", TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("presigned hello"u8.ToArray(), body);
    }

    [Fact]
    public async Task Presigned_head_succeeds()
    {
        var session = Session(Uncompressed);
        await session.PutAsync("presigned hello"u8.ToArray(), new PutOptions { Key = "presigned-head" });

        var (status, _) = await FetchAsync(session.PresignedUrl(HttpMethod.Head, "presigned-head", TimeSpan.FromHours(1)), HttpMethod.Head);

        // objectstore 0.2.0's test asserts 204; later servers (and this one, docs/api.md) answer HEAD with 200.
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Presigned_case_insensitive_method()
    {
        var session = Session(Uncompressed);
        await session.PutAsync("lowercase method"u8.ToArray(), new PutOptions { Key = "presigned-lower" });

        var (status, body) = await FetchAsync(session.PresignedUrl(new HttpMethod("get"), "presigned-lower", TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lowercase method"u8.ToArray(), body);
    }

    [Fact]
    public void Presigned_requires_signing_key_rejects_unsupported_method_and_duration_over_max()
    {
        using var tokenOnly = new ObjectStoreClient(new ObjectStoreClientOptions { BaseAddress = server.BaseAddress, Token = Session().MintToken() });

        Assert.Throws<InvalidOperationException>(() => tokenOnly.Session(TestUsecase, ("org", "42")).PresignedUrl(HttpMethod.Get, "whatever", TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => Session().PresignedUrl(HttpMethod.Put, "whatever", TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Session().PresignedUrl(HttpMethod.Get, "whatever", TimeSpan.FromDays(8)));
    }

    [Fact]
    public async Task Presigned_tampered_signature_unauthorized()
    {
        var session = Session(Uncompressed);
        await session.PutAsync("presigned hello"u8.ToArray(), new PutOptions { Key = "presigned-tamper" });
        var url = session.PresignedUrl(HttpMethod.Get, "presigned-tamper", TimeSpan.FromHours(1)).OriginalString;

        var tampered = url[..^1] + (url[^1] != 'A' ? "A" : "B");
        var (status, _) = await FetchAsync(new Uri(tampered, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData("plain-key")]
    [InlineData("with space")]
    [InlineData("café-unicode")]
    [InlineData("emoji-😀")]
    [InlineData("plus+sign")]
    [InlineData("sub!$'()*+,=delims")]
    [InlineData("tilde~dot.key")]
    [InlineData("100%literal-percent")]
    [InlineData("looks%20encoded")]
    [InlineData("nested/path/segments")]
    [InlineData("quote'apostrophe")]
    [InlineData("at@sign")]
    [InlineData("colon:separated")]
    [InlineData("ampersand&inside")]
    [InlineData("semi;colon")]
    [InlineData("equals=sign")]
    public async Task Presigned_get_encoding_corner_cases(string key)
    {
        var session = Session(Uncompressed);
        var payload = System.Text.Encoding.UTF8.GetBytes("payload for " + key);
        Assert.Equal(key, await session.PutAsync(payload, new PutOptions { Key = key }));

        await using (var retrieved = await session.GetAsync(key))
            Assert.Equal(payload, await retrieved!.ReadAllBytesAsync());
        var (status, body) = await FetchAsync(session.PresignedUrl(HttpMethod.Get, key, TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(payload, body);
    }

    [Fact]
    public async Task Object_url_read_only_token_succeeds()
    {
        var session = Session(Uncompressed);
        await session.PutAsync("read only hello"u8.ToArray(), new PutOptions { Key = "read-only-url" });

        var url = session.ObjectUrl("read-only-url", TimeSpan.FromMinutes(5));

        Assert.StartsWith("?os_auth=", url.Query);
        Assert.Equal(2, url.Query.Count(c => c == '.'));
        var (status, body) = await FetchAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("read only hello"u8.ToArray(), body);
        var (deleteStatus, _) = await FetchAsync(url, HttpMethod.Delete);
        Assert.Equal(HttpStatusCode.Forbidden, deleteStatus);
    }

    [Fact]
    public async Task Object_url_without_token_is_unauthorized()
    {
        var session = Session(Uncompressed);
        await session.PutAsync("needs auth"u8.ToArray(), new PutOptions { Key = "needs-auth" });

        var url = session.ObjectUrl("needs-auth");

        Assert.Equal("", url.Query);
        Assert.Equal(HttpStatusCode.BadRequest, (await FetchAsync(url)).Status);
    }

    [Fact]
    public async Task Put_stores_under_literal_key()
    {
        var session = Session(Uncompressed);

        Assert.Equal("looks%20encoded", await session.PutAsync("literal percent key"u8.ToArray(), new PutOptions { Key = "looks%20encoded" }));

        await using var retrieved = await session.GetAsync("looks%20encoded");
        Assert.Equal("literal percent key"u8.ToArray(), await retrieved!.ReadAllBytesAsync());
        Assert.Null(await session.HeadAsync("looks encoded"));
    }

    /// <summary>A plain HttpClient without auth: proves a URL works for any client, as the Python suite does with urllib.</summary>
    private static async Task<(HttpStatusCode Status, byte[] Body)> FetchAsync(Uri url, HttpMethod? method = null)
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, url));
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    public void Dispose() => _client.Dispose();
}
