using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>Runs alone, after the parallel tests, so live-heap samples only see the store under test.</summary>
[CollectionDefinition(nameof(StreamingCollection), DisableParallelization = true)]
public sealed class StreamingCollection;

/// <summary>
/// Large payloads written from a generator and read back without the store buffering them:
/// content checked by SHA-256; memory checked as the largest live-heap growth seen at intervals
/// of an eighth of the payload (a store holding the payload would exceed the bound by the last
/// sample) and the largest read the store asked of the source. No timing assertions.
/// Sizes: 2 GiB on the filesystem; 256 MiB on S3, because moto keeps every object in memory and
/// moves about 10–20 MB/s on the shared test machine (1 GiB would take minutes).
/// </summary>
[Collection(nameof(StreamingCollection))]
public sealed class LongTermStreamingTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lt-stream-" + Guid.NewGuid().ToString("N"));
    private readonly S3TestStores _s3 = new();

    private static readonly ObjectId s_id = new("streaming", Scopes.Empty, "huge/payload");

    public void Dispose()
    {
        _s3.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Filesystem_streams_two_GiB_both_ways_in_bounded_memory()
    {
        var store = new FileSystemLongTermStore(_root);
        await store.InitializeAsync(CancellationToken.None);
        // One 128 KiB copy buffer per operation; 64 MiB leaves room for runtime noise, far below 2 GiB.
        await AssertRoundTripAsync(store, 2048 * MiB, largestRead: 1 * MiB, growthBound: 64 * MiB);
    }

    [Fact]
    public async Task S3_streams_256_MiB_both_ways_in_bounded_memory()
    {
        var store = await _s3.CreateAsync();
        // Writer: 4 parallel parts of 5 MiB; reader: 4 read-ahead ranges of 5 MiB; plus SDK buffers.
        await AssertRoundTripAsync(store, 256 * MiB, largestRead: S3LongTermStoreOptions.MinimumPartSize, growthBound: 96 * MiB);
    }

    [Fact]
    public async Task S3_multipart_api_parts_stream_through_upload_and_complete_in_bounded_memory()
    {
        const long partLength = 160 * MiB;
        var store = await _s3.CreateAsync();
        var probe = new LiveHeapProbe(partLength / 8);
        var uploadId = await store.InitiateMultipartAsync(s_id, new ObjectMetadata(), CancellationToken.None);
        var first = new GeneratedStream(partLength, probe);
        var e1 = await store.UploadPartAsync(s_id, uploadId, 1, first, partLength, null, CancellationToken.None);
        var tail = "tail"u8.ToArray();
        var e2 = await store.UploadPartAsync(s_id, uploadId, 2, new MemoryStream(tail), tail.Length, null, CancellationToken.None);

        var result = await store.CompleteMultipartAsync(s_id, uploadId, [new(1, e1), new(2, e2)], CancellationToken.None);

        Assert.True(result.Succeeded, result.ErrorMessage);
        await using var blob = await store.GetAsync(s_id, ByteRange.Bounded(0, partLength - 1), CancellationToken.None);
        var (length, sha) = await GeneratedStream.DrainAsync(blob!.Content, probe);
        Assert.Equal(partLength, length);
        Assert.Equal(first.Sha256, sha);
        Assert.Equal(partLength + 4, blob.Metadata.Size);
        Assert.True(probe.Samples >= 15, $"only {probe.Samples} heap samples");
        Assert.True(probe.LargestGrowth < 96 * MiB, $"live heap grew by {probe.LargestGrowth / MiB} MiB");
    }

    [Fact]
    public async Task The_heap_probe_catches_a_store_that_buffers_the_payload()
    {
        var probe = new LiveHeapProbe(8 * MiB);
        using var buffered = new MemoryStream();
        await new GeneratedStream(64 * MiB, probe).CopyToAsync(buffered);
        Assert.True(probe.LargestGrowth > 56 * MiB, $"live heap grew by only {probe.LargestGrowth} bytes");
    }

    private static async Task AssertRoundTripAsync(ILongTermStore store, long size, long largestRead, long growthBound)
    {
        var probe = new LiveHeapProbe(size / 8);
        var source = new GeneratedStream(size, probe);
        await store.PutAsync(s_id, new ObjectMetadata(), source, null, CancellationToken.None);
        Assert.InRange(source.LargestReadRequest, 1, largestRead);

        await using (var blob = await store.GetAsync(s_id, null, CancellationToken.None))
        {
            Assert.NotNull(blob);
            Assert.Equal(size, blob.Metadata.Size);
            var (length, sha) = await GeneratedStream.DrainAsync(blob.Content, probe);
            Assert.Equal(size, length);
            Assert.Equal(source.Sha256, sha);
        }
        Assert.True(probe.Samples >= 15, $"only {probe.Samples} heap samples");
        Assert.True(probe.LargestGrowth < growthBound, $"live heap grew by {probe.LargestGrowth / MiB} MiB for a {size / MiB} MiB payload");
        Console.WriteLine($"largest live-heap growth {probe.LargestGrowth} bytes for {size / MiB} MiB");
        await store.DeleteAsync(s_id, CancellationToken.None);
    }
}
