using ZstdSharp;

namespace ObjectStore.Client.Tests.EndToEnd;

/// <summary>The Python e2e suite's multipart cases, against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class MultipartEndToEndTests(ServerFixture server) : IDisposable
{
    private static readonly Usecase Uncompressed = new("test-usecase")
    {
        Compression = Compression.None,
        Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)),
    };

    private readonly ObjectStoreClient _client = new(server.Options());

    private ObjectStoreSession Session => _client.Session(Uncompressed, ("org", "42"), ("project", "1337"));

    [Fact]
    public async Task Multipart_full_cycle_uncompressed()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-uncompressed" });
        Assert.Equal("mp-uncompressed", upload.Key);
        Assert.NotEmpty(upload.UploadId);

        var part1 = await upload.PutPartAsync(1, "hello "u8.ToArray());
        var part2 = await upload.PutPartAsync(2, "world!"u8.ToArray());

        Assert.Equal("mp-uncompressed", await upload.CompleteAsync([part2, part1]));
        Assert.Equal("hello world!", await ReadTextAsync("mp-uncompressed", decompress: false));
    }

    [Fact]
    public async Task Multipart_full_cycle_compressed()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-compressed", Compression = Compression.Zstd });
        using var compressor = new Compressor();
        var compressed1 = compressor.Wrap("hello "u8).ToArray();
        var compressed2 = compressor.Wrap("world!"u8).ToArray();

        var parts = new[] { await upload.PutPartAsync(1, compressed1), await upload.PutPartAsync(2, compressed2) };
        var key = await upload.CompleteAsync(parts);

        await using (var raw = await Session.GetAsync(key, new GetOptions { Decompress = false }))
        {
            Assert.Equal(Compression.Zstd, raw!.Metadata.Compression);
            Assert.Equal(compressed1.Concat(compressed2).ToArray(), await raw.ReadAllBytesAsync());
        }
        await using var decompressed = await Session.GetAsync(key);
        Assert.Equal(Compression.None, decompressed!.Metadata.Compression);
        Assert.Equal("hello world!"u8.ToArray(), await decompressed.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Multipart_streaming_part_upload_uncompressed()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-streaming-uncompressed" });

        var part1 = await upload.PutPartAsync(1, new Http.ForwardOnlyStream("hello "u8.ToArray()), 6);
        var part2 = await upload.PutPartAsync(2, new Http.ForwardOnlyStream("world!"u8.ToArray()), 6);

        Assert.Equal("hello world!", await ReadTextAsync(await upload.CompleteAsync([part1, part2])));
    }

    [Fact]
    public async Task Multipart_streaming_part_upload_compressed()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-streaming-compressed", Compression = Compression.Zstd });
        using var compressor = new Compressor();
        var compressed1 = compressor.Wrap("hello "u8).ToArray();
        var compressed2 = compressor.Wrap("world!"u8).ToArray();

        var part1 = await upload.PutPartAsync(1, new Http.ForwardOnlyStream(compressed1), compressed1.Length);
        var part2 = await upload.PutPartAsync(2, new Http.ForwardOnlyStream(compressed2), compressed2.Length);
        var key = await upload.CompleteAsync([part1, part2]);

        await using (var raw = await Session.GetAsync(key, new GetOptions { Decompress = false }))
            Assert.Equal(compressed1.Concat(compressed2).ToArray(), await raw!.ReadAllBytesAsync());
        Assert.Equal("hello world!", await ReadTextAsync(key));
    }

    [Fact]
    public async Task A_streamed_part_shorter_than_its_declared_length_fails_on_the_client()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-short-part" });

        await Assert.ThrowsAnyAsync<Exception>(() => upload.PutPartAsync(1, new Http.ForwardOnlyStream("short"u8.ToArray()), 10));

        await upload.AbortAsync();
    }

    [Fact]
    public async Task Multipart_server_generated_key()
    {
        var upload = await Session.InitiateMultipartAsync();
        Assert.True(Guid.TryParse(upload.Key, out _));

        var key = await upload.CompleteAsync([await upload.PutPartAsync(1, "data"u8.ToArray())]);

        Assert.Equal(upload.Key, key);
        Assert.Equal("data", await ReadTextAsync(key));
    }

    [Fact]
    public async Task Multipart_list_parts()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-list-parts" });
        await upload.PutPartAsync(2, "part-two"u8.ToArray());
        await upload.PutPartAsync(1, "part-one"u8.ToArray());

        var parts = await upload.ListPartsAsync();

        Assert.Equal([1, 2], parts.Select(p => p.PartNumber));
        Assert.All(parts, p => Assert.Equal(8, p.Size));
        await upload.AbortAsync();
    }

    [Fact]
    public async Task Multipart_abort()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-abort" });
        await upload.PutPartAsync(1, "some data"u8.ToArray());

        await upload.AbortAsync();

        Assert.Null(await Session.HeadAsync("mp-abort"));
        await Assert.ThrowsAnyAsync<ObjectStoreException>(() => upload.ListPartsAsync());
    }

    [Fact]
    public async Task Multipart_metadata_preserved()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions
        {
            Key = "mp-metadata",
            ContentType = "text/plain",
            Origin = "203.0.113.42",
            Filename = "archive.tar.gz",
            Metadata = new Dictionary<string, string> { ["my-key"] = "my-value" },
        });
        var key = await upload.CompleteAsync([await upload.PutPartAsync(1, "payload"u8.ToArray())]);

        var metadata = await Session.HeadAsync(key);
        Assert.Equal("text/plain", metadata!.ContentType);
        Assert.Equal("203.0.113.42", metadata.Origin);
        Assert.Equal("archive.tar.gz", metadata.Filename);
        Assert.Equal("my-value", metadata.Custom["my-key"]);
    }

    [Fact]
    public async Task Multipart_complete_with_bad_etag()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-bad-etag" });
        await upload.PutPartAsync(1, "real data"u8.ToArray());

        var error = await Assert.ThrowsAsync<MultipartCompleteException>(() => upload.CompleteAsync([new MultipartPart(1, "bogus-etag")]));

        Assert.NotEmpty(error.Code);
        Assert.NotEmpty(error.ErrorMessage);
        Assert.Equal(200, error.StatusCode);
        Assert.Null(await Session.HeadAsync("mp-bad-etag"));
    }

    [Fact]
    public async Task Multipart_resume()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-resume" });
        await upload.PutPartAsync(1, "first"u8.ToArray());

        var resumed = Session.ResumeMultipart(upload.Key, upload.UploadId);
        await resumed.PutPartAsync(2, "second"u8.ToArray());
        var existing = await resumed.ListPartsAsync();

        Assert.Equal(2, existing.Count);
        Assert.Equal("firstsecond", await ReadTextAsync(await resumed.CompleteAsync(existing)));
    }

    [Fact]
    public async Task Multipart_concurrent_part_uploads()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-concurrent" });
        var chunks = Enumerable.Range(0, 8).Select(i => System.Text.Encoding.ASCII.GetBytes($"chunk-{i}")).ToArray();

        var parts = await Task.WhenAll(chunks.Select((chunk, i) => upload.PutPartAsync(i + 1, chunk)));

        Assert.Equal(string.Concat(Enumerable.Range(0, 8).Select(i => $"chunk-{i}")), await ReadTextAsync(await upload.CompleteAsync(parts)));
    }

    [Fact]
    public async Task Completing_again_after_success_is_safe()
    {
        var upload = await Session.InitiateMultipartAsync(new PutOptions { Key = "mp-complete-twice" });
        var parts = new[] { await upload.PutPartAsync(1, "once"u8.ToArray()) };
        await upload.CompleteAsync(parts);

        // What a retry after a lost answer does: the server recognises the completed upload and answers success again.
        Assert.Equal("mp-complete-twice", await upload.CompleteAsync(parts));
        Assert.Equal("once", await ReadTextAsync("mp-complete-twice"));
    }

    private async Task<string> ReadTextAsync(string key, bool decompress = true)
    {
        await using var retrieved = await Session.GetAsync(key, new GetOptions { Decompress = decompress });
        Assert.NotNull(retrieved);
        return System.Text.Encoding.UTF8.GetString(await retrieved.ReadAllBytesAsync());
    }

    public void Dispose() => _client.Dispose();
}
