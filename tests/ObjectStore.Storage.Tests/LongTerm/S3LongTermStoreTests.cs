using Amazon.Runtime;
using Amazon.S3.Model;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Testing;
using static ObjectStore.Storage.Tests.Objects.TestObjects;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>The LT contract against the S3 store on a real moto server, plus S3-specific behaviour.</summary>
public sealed class S3LongTermStoreTests : LongTermStoreContract, IDisposable
{
    private const int PartSize = S3LongTermStoreOptions.MinimumPartSize;
    private readonly S3TestStores _s3 = new();

    protected override async Task<ILongTermStore> CreateStoreAsync() => await _s3.CreateAsync();

    private Task<S3LongTermStore> CreateS3StoreAsync() => _s3.CreateAsync();

    public void Dispose() => _s3.Dispose();

    private int Requests(string type) => _s3.Count(type);

    private static async Task<List<string>> BucketKeysAsync(S3LongTermStore store, string prefix = "")
    {
        var response = await store.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = store.BucketName, Prefix = prefix });
        return (response.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    [Fact]
    public async Task A_missing_bucket_fails_initialization_with_its_name()
    {
        var server = await MotoS3Server.Shared;
        using var store = new S3LongTermStore(new S3LongTermStoreOptions
        {
            ServiceUrl = server.Endpoint, Bucket = "no-such-bucket-here", ForcePathStyle = true,
            AccessKey = MotoS3Server.AccessKey, SecretKey = MotoS3Server.SecretKey,
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(None));
        Assert.Contains("no-such-bucket-here", error.Message);
    }

    [Fact]
    public void Options_name_the_invalid_setting()
    {
        Assert.Contains("part size", Assert.Throws<ArgumentException>(() => new S3LongTermStoreOptions { Bucket = "b", PartSize = 1024 }.Validate()).Message);
        Assert.Contains("bucket", Assert.Throws<ArgumentException>(() => new S3LongTermStoreOptions().Validate()).Message);
        Assert.Contains("page size", Assert.Throws<ArgumentException>(() => new S3LongTermStoreOptions { Bucket = "b", ListPageSize = 1001 }.Validate()).Message);
    }

    [Fact]
    public async Task A_payload_within_one_part_is_a_single_put_even_without_a_size()
    {
        var store = await CreateS3StoreAsync();
        await store.PutAsync(Id("small"), new ObjectMetadata(), new TrickleStream(Bytes(PartSize - 1), 4096), null, None);
        Assert.Equal(1, Requests(nameof(PutObjectRequest)));
        Assert.Equal(0, Requests(nameof(InitiateMultipartUploadRequest)));
        Assert.Equal(Bytes(PartSize - 1), await ReadAsync(store, Id("small")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_payload_of_exactly_one_part_is_a_single_put(bool hint)
    {
        var store = await CreateS3StoreAsync();
        await store.PutAsync(Id("exact"), new ObjectMetadata(), new TrickleStream(Bytes(PartSize), 65536), hint ? PartSize : null, None);
        Assert.Equal(1, Requests(nameof(PutObjectRequest)));
        Assert.Equal(0, Requests(nameof(InitiateMultipartUploadRequest)));
        Assert.Equal(Bytes(PartSize), await ReadAsync(store, Id("exact")));
    }

    [Fact]
    public async Task A_payload_longer_than_its_size_hint_is_stored_whole()
    {
        var store = await CreateS3StoreAsync();
        await store.PutAsync(Id("liar"), new ObjectMetadata(), new TrickleStream(Bytes(PartSize + 10), 65536), 100, None);
        Assert.Equal(Bytes(PartSize + 10), await ReadAsync(store, Id("liar")));
    }

    [Fact]
    public async Task A_larger_payload_is_uploaded_in_parts_of_the_part_size()
    {
        var store = await CreateS3StoreAsync();
        await store.PutAsync(Id("large"), new ObjectMetadata(), new TrickleStream(Bytes(2 * PartSize + 1), 65536), null, None);
        Assert.Equal(1, Requests(nameof(InitiateMultipartUploadRequest)));
        Assert.Equal(3, Requests(nameof(UploadPartRequest)));
        Assert.Equal(1, Requests(nameof(CompleteMultipartUploadRequest)));
        Assert.Equal(2 * PartSize + 1, (await store.GetMetadataAsync(Id("large"), None))!.Size);
    }

    [Fact]
    public async Task A_source_failing_mid_upload_aborts_the_s3_upload_and_stores_nothing()
    {
        var store = await CreateS3StoreAsync();
        var source = new FailAfterStream(Bytes(3 * PartSize), failAt: 2 * PartSize + 10);
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(Id("broken"), new ObjectMetadata(), source, null, None));
        await AssertAbortedAndAbsentAsync(store, Id("broken"));
    }

    [Fact]
    public async Task A_failing_part_upload_aborts_the_s3_upload_and_surfaces_its_own_error()
    {
        var store = await CreateS3StoreAsync();
        store.Client.BeforeRequestEvent += (_, args) =>
        {
            if (args is WebServiceRequestEventArgs { Request: UploadPartRequest { PartNumber: 2 } })
                throw new InvalidDataException("injected part failure");
        };
        await Assert.ThrowsAsync<InvalidDataException>(() => store.PutAsync(Id("partfail"), new ObjectMetadata(), new TrickleStream(Bytes(3 * PartSize), 65536), null, None));
        await AssertAbortedAndAbsentAsync(store, Id("partfail"));
    }

    private async Task AssertAbortedAndAbsentAsync(S3LongTermStore store, ObjectId id)
    {
        Assert.Equal(1, Requests(nameof(AbortMultipartUploadRequest)));
        var uploads = await store.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = store.BucketName });
        Assert.Empty(uploads.MultipartUploads ?? []);
        Assert.Null(await store.GetMetadataAsync(id, None));
    }

    [Fact]
    public async Task A_metadata_read_is_one_head_request()
    {
        var store = await CreateS3StoreAsync();
        await PutAsync(store, Id("k"), Bytes(10), SampleMetadata());
        _s3.Requests.Clear();
        AssertSameMetadata(SampleMetadata(), (await store.GetMetadataAsync(Id("k"), None))!);
        Assert.Equal(["GetObjectMetadataRequest"], _s3.Requests);
    }

    [Fact]
    public async Task Listing_fetches_pages_lazily_and_stops_when_the_caller_stops()
    {
        var store = await CreateS3StoreAsync();
        for (var i = 0; i < 35; i++) await PutAsync(store, Id($"page/{i:D2}"), [1]);
        _s3.Requests.Clear();

        Assert.Equal(35, (await ListAllAsync(store, Id("page/").StoragePath)).Count);
        var pagesForAll = Requests(nameof(ListObjectsV2Request));
        Assert.True(pagesForAll >= 4, $"35 keys in pages of 10 took {pagesForAll} list requests");

        _s3.Requests.Clear();
        var seen = 0;
        await foreach (var _ in store.ListAsync(Id("page/").StoragePath, None))
            if (++seen == 12) break;
        Assert.Equal(2, Requests(nameof(ListObjectsV2Request)));
    }

    [Fact]
    public async Task Paths_too_long_for_an_s3_key_are_stored_under_their_hash()
    {
        var store = await CreateS3StoreAsync();
        var key = new string('k', 1100);
        await PutAsync(store, Id(key), [7]);
        var stored = Assert.Single(await BucketKeysAsync(store));
        Assert.StartsWith(".objectstore/long/", stored);
        Assert.Equal(new byte[] { 7 }, await ReadAsync(store, Id(key)));
        Assert.Null(await store.GetMetadataAsync(Id(new string('k', 1101)), None));

        _s3.Requests.Clear();
        Assert.Single(await ListAllAsync(store, Id("kk").StoragePath));
        Assert.Empty(await ListAllAsync(store, Id("other").StoragePath));
        Assert.Equal(1, Requests(nameof(GetObjectMetadataRequest))); // only the matching long blob is read back
    }

    [Fact]
    public async Task Completing_a_multipart_upload_mixing_large_and_tiny_parts_assembles_them_and_removes_the_parts()
    {
        var store = await CreateS3StoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mixed"), new ObjectMetadata(), None);
        var big1 = Bytes(PartSize + 100, seed: 1);
        var tiny = Bytes(5, seed: 2);
        var big2 = Bytes(PartSize + 3, seed: 3);
        var e1 = await UploadPartAsync(store, Id("mixed"), uploadId, 1, big1, Md5Base64(big1));
        var e2 = await UploadPartAsync(store, Id("mixed"), uploadId, 2, tiny);
        var e3 = await UploadPartAsync(store, Id("mixed"), uploadId, 3, big2);
        _s3.Requests.Clear();

        var result = await store.CompleteMultipartAsync(Id("mixed"), uploadId, [new(1, e1), new(2, e2), new(3, e3)], None);

        Assert.True(result.Succeeded, result.ErrorMessage);
        // big1 copied server-side; tiny + the start of big2 fill one S3 part; big2's last 8 bytes are the last part.
        Assert.Equal(1, Requests(nameof(CopyPartRequest)));
        Assert.Equal(2, Requests(nameof(UploadPartRequest)));
        Assert.Equal(big1.Concat(tiny).Concat(big2).ToArray(), await ReadAsync(store, Id("mixed")));
        Assert.Empty(await BucketKeysAsync(store, ".objectstore/"));
    }

    [Fact]
    public async Task A_large_part_after_a_tiny_one_tops_up_the_pending_part_then_is_copied_from_that_offset()
    {
        var store = await CreateS3StoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("topup"), new ObjectMetadata(), None);
        var tiny = Bytes(5, seed: 4);
        var big = Bytes(2 * PartSize, seed: 5);
        var e1 = await UploadPartAsync(store, Id("topup"), uploadId, 1, tiny);
        var e2 = await UploadPartAsync(store, Id("topup"), uploadId, 2, big);
        _s3.Requests.Clear();

        Assert.True((await store.CompleteMultipartAsync(Id("topup"), uploadId, [new(1, e1), new(2, e2)], None)).Succeeded);

        Assert.Equal(1, Requests(nameof(UploadPartRequest)));
        Assert.Equal(1, Requests(nameof(CopyPartRequest)));
        Assert.Equal(tiny.Concat(big).ToArray(), await ReadAsync(store, Id("topup")));
    }

    /// <summary>The default S3LongTermStoreOptions.ParallelParts.</summary>
    private const int ParallelParts = 4;

    [Fact]
    public async Task Completing_copies_large_parts_concurrently_but_never_more_than_parallel_parts_at_once()
    {
        var store = await CreateS3StoreAsync();
        var (uploadId, listed, payload) = await UploadLargePartsAsync(store, Id("parallel"), ParallelParts + 2);
        var copies = new CopiesInFlight(store, release: inFlight => inFlight >= ParallelParts);

        var result = await store.CompleteMultipartAsync(Id("parallel"), uploadId, listed, None);

        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.Equal(ParallelParts, copies.MostInFlight);
        Assert.Equal(payload, await ReadAsync(store, Id("parallel")));
    }

    [Fact]
    public async Task A_part_copy_failing_while_others_are_in_flight_aborts_the_s3_upload_and_stores_nothing()
    {
        var store = await CreateS3StoreAsync();
        var (uploadId, listed, _) = await UploadLargePartsAsync(store, Id("abort"), ParallelParts + 2);
        // Part 2 fails once the other three of the first four copies are in flight.
        var copies = new CopiesInFlight(store, release: inFlight => inFlight >= ParallelParts, failing: 2);

        await Assert.ThrowsAsync<InvalidDataException>(() => store.CompleteMultipartAsync(Id("abort"), uploadId, listed, None));

        Assert.Equal(ParallelParts, copies.MostInFlight);
        await AssertAbortedAndAbsentAsync(store, Id("abort"));
        Assert.Equal(0, Requests(nameof(CompleteMultipartUploadRequest)));
    }

    private static async Task<(string UploadId, List<CompletedPart> Listed, byte[] Payload)> UploadLargePartsAsync(S3LongTermStore store, ObjectId id, int count)
    {
        var uploadId = await store.InitiateMultipartAsync(id, new ObjectMetadata(), None);
        var listed = new List<CompletedPart>();
        var payload = new List<byte>();
        for (var n = 1; n <= count; n++)
        {
            var bytes = Bytes(PartSize, seed: n);
            listed.Add(new CompletedPart(n, await UploadPartAsync(store, id, uploadId, n, bytes)));
            payload.AddRange(bytes);
        }
        return (uploadId, listed, payload.ToArray());
    }

    /// <summary>
    /// Counts the S3 part copies in flight. Each copy waits (a bounded wait, never a time assertion) until
    /// <c>release</c> holds for the count, so copies that can run together are seen together; copy
    /// <c>failing</c> throws instead of being sent once the others it waited for are in flight.
    /// </summary>
    private sealed class CopiesInFlight
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
        private readonly ManualResetEventSlim _released = new();
        private int _inFlight;
        private int _most;

        public CopiesInFlight(S3LongTermStore store, Func<int, bool> release, int? failing = null)
        {
            store.Client.BeforeRequestEvent += (_, args) =>
            {
                if (args is not WebServiceRequestEventArgs { Request: CopyPartRequest copy }) return;
                var inFlight = Interlocked.Increment(ref _inFlight);
                InterlockedMax(ref _most, inFlight);
                if (release(inFlight)) _released.Set();
                _released.Wait(Patience);
                if (copy.PartNumber != failing) return;
                Interlocked.Decrement(ref _inFlight);
                throw new InvalidDataException("injected copy failure");
            };
            store.Client.AfterResponseEvent += (_, args) =>
            {
                if (args is WebServiceResponseEventArgs { Request: CopyPartRequest }) Interlocked.Decrement(ref _inFlight);
            };
        }

        public int MostInFlight => Volatile.Read(ref _most);

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}

/// <summary>A stream over bytes that throws once <c>failAt</c> bytes were read, like a dropped client.</summary>
internal sealed class FailAfterStream(byte[] bytes, int failAt) : ReadOnlyStream
{
    private int _position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= failAt) throw new IOException("client went away");
        var n = Math.Min(Math.Min(count, failAt - _position), bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
        _position += n;
        return n;
    }
}
