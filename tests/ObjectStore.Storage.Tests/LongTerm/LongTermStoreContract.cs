using System.Security.Cryptography;
using System.Text;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using static ObjectStore.Storage.Tests.Objects.TestObjects;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>
/// The behaviour every <see cref="ILongTermStore"/> must have. A backend's test class derives from
/// this and says how to create a fresh, initialized, empty store.
/// </summary>
public abstract class LongTermStoreContract
{
    /// <summary>A fresh, initialized, empty store.</summary>
    protected abstract Task<ILongTermStore> CreateStoreAsync();

    protected static readonly CancellationToken None = CancellationToken.None;

    protected static ObjectId Id(string key) => new("attachments", Scopes.Create(new Scope("org", "42"), new Scope("project", "7")), key);

    protected static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static ObjectMetadata SampleMetadata() => new ObjectMetadata
    {
        ContentType = "text/plain",
        Compression = "zstd",
        Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(2)),
        Origin = "10.0.0.1",
        Filename = "report.txt",
        Custom = new Dictionary<string, string> { ["color"] = "blue", ["unicode"] = "café 😀" },
    }.StampedAt(new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero).AddTicks(12345670));

    protected static async Task PutAsync(ILongTermStore store, ObjectId id, byte[] bytes, ObjectMetadata? metadata = null, bool hint = true)
    {
        using var content = new MemoryStream(bytes);
        await store.PutAsync(id, metadata ?? new ObjectMetadata(), content, hint ? bytes.Length : null, None);
    }

    protected static async Task<byte[]?> ReadAsync(ILongTermStore store, ObjectId id, ByteRange? range = null)
    {
        await using var blob = await store.GetAsync(id, range, None);
        if (blob is null) return null;
        using var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected static string Md5Base64(byte[] bytes) => Convert.ToBase64String(MD5.HashData(bytes));

    protected static Task<string> UploadPartAsync(ILongTermStore store, ObjectId id, string uploadId, int number, byte[] bytes, string? md5 = null) =>
        store.UploadPartAsync(id, uploadId, number, new MemoryStream(bytes), bytes.Length, md5, None);

    /// <summary>Whether the store gives listing positions (<see cref="BlobInfo.ResumeAfter"/>).</summary>
    protected virtual bool ResumesListings => true;

    protected static async Task<List<BlobInfo>> ListAllAsync(ILongTermStore store, string prefix)
    {
        var all = new List<BlobInfo>();
        await foreach (var blob in store.ListAsync(prefix, None)) all.Add(blob);
        return all;
    }

    [Fact]
    public async Task Put_then_get_returns_the_bytes_and_the_metadata_with_its_size()
    {
        var store = await CreateStoreAsync();
        var bytes = Bytes(1000);
        var metadata = SampleMetadata();
        await PutAsync(store, Id("doc"), bytes, metadata);

        await using var blob = await store.GetAsync(Id("doc"), null, None);
        Assert.NotNull(blob);
        AssertSameMetadata(metadata, blob.Metadata);
        Assert.Equal(1000, blob.Metadata.Size);
        Assert.Null(blob.Range);
        Assert.Equal(bytes, await ReadAsync(store, Id("doc")));
        var head = await store.GetMetadataAsync(Id("doc"), None);
        Assert.NotNull(head);
        AssertSameMetadata(metadata, head);
        Assert.Equal(1000, head.Size);
    }

    [Fact]
    public async Task Missing_blob_reads_as_null()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetAsync(Id("nope"), null, None));
        Assert.Null(await store.GetAsync(Id("nope"), ByteRange.Bounded(0, 3), None));
        Assert.Null(await store.GetMetadataAsync(Id("nope"), None));
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_repeating_it_is_fine()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("gone"), Bytes(10));
        await PutAsync(store, Id("kept"), Bytes(10));
        await store.DeleteAsync(Id("gone"), None);
        await store.DeleteAsync(Id("gone"), None);
        await store.DeleteAsync(Id("never-existed/deep/path"), None);
        Assert.Null(await store.GetAsync(Id("gone"), null, None));
        Assert.Null(await store.GetMetadataAsync(Id("gone"), None));
        Assert.Equal(Bytes(10), await ReadAsync(store, Id("kept")));
        Assert.DoesNotContain(await ListAllAsync(store, ""), b => b.StoragePath == Id("gone").StoragePath);
    }

    [Fact]
    public async Task Put_over_an_existing_blob_replaces_it()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("k"), Bytes(100, seed: 1));
        await PutAsync(store, Id("k"), Bytes(7, seed: 2), new ObjectMetadata { ContentType = "image/png" });
        Assert.Equal(Bytes(7, seed: 2), await ReadAsync(store, Id("k")));
        var metadata = await store.GetMetadataAsync(Id("k"), None);
        Assert.Equal("image/png", metadata!.ContentType);
        Assert.Equal(7, metadata.Size);
    }

    [Fact]
    public async Task Concurrent_writes_and_deletes_under_shared_directories_never_fail()
    {
        var store = await CreateStoreAsync();
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            await PutAsync(store, Id($"race/{i % 3}/{i}/x"), Bytes(10, seed: i));
            await store.DeleteAsync(Id($"race/{i % 3}/{i}/x"), None);
            await PutAsync(store, Id($"race/{i % 3}/{i}/y"), Bytes(10, seed: i));
            await store.DeleteAsync(Id($"race/{i % 3}/{i}/y"), None);
            await PutAsync(store, Id($"race/{i % 3}/{i}/z"), Bytes(10, seed: i));
        })));
        for (var i = 0; i < 24; i++) Assert.Equal(Bytes(10, seed: i), await ReadAsync(store, Id($"race/{i % 3}/{i}/z")));
        Assert.Equal(24, (await ListAllAsync(store, Id("race/").StoragePath)).Count);
    }

    [Fact]
    public async Task Empty_blob_round_trips()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("empty"), [], hint: false);
        Assert.Equal(Array.Empty<byte>(), await ReadAsync(store, Id("empty")));
        Assert.Equal(0, (await store.GetMetadataAsync(Id("empty"), None))!.Size);
    }

    [Fact]
    public async Task Any_range_of_an_empty_blob_is_unsatisfiable()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("empty"), []);
        await using var blob = await store.GetAsync(Id("empty"), ByteRange.Suffix(3), None);
        Assert.NotNull(blob);
        Assert.Null(blob.Range);
        Assert.Equal(-1, blob.Content.ReadByte());
    }

    [Theory]
    [InlineData("bytes=0-4", 0, 4)]
    [InlineData("bytes=-9", 13, 21)]
    [InlineData("bytes=7-", 7, 21)]
    [InlineData("bytes=20-100", 20, 21)]
    [InlineData("bytes=-100", 0, 21)]
    public async Task Ranges_resolve_as_the_api_examples(string header, int start, int end)
    {
        var store = await CreateStoreAsync();
        var bytes = Encoding.ASCII.GetBytes("0123456789abcdefghijkl");
        await PutAsync(store, Id("r"), bytes);
        var range = ParseRange(header);

        await using var blob = await store.GetAsync(Id("r"), range, None);
        Assert.NotNull(blob);
        Assert.Equal(new ContentRange(start, end, 22), blob.Range);
        Assert.Equal(22, blob.Metadata.Size);
        Assert.Equal(bytes[start..(end + 1)], await ReadAsync(store, Id("r"), range));
    }

    [Fact]
    public async Task A_range_past_the_end_is_unsatisfiable_with_an_empty_stream()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("r"), Bytes(22));
        foreach (var range in new[] { ByteRange.Bounded(100, 200), ByteRange.From(22) })
        {
            await using var blob = await store.GetAsync(Id("r"), range, None);
            Assert.NotNull(blob);
            Assert.Null(blob.Range);
            Assert.Equal(22, blob.Metadata.Size);
            Assert.Equal(-1, blob.Content.ReadByte());
        }
    }

    private static readonly string[] s_awkwardKeys =
    [
        "plain-key", "nested/path/segments", "..", ".", "../../../../etc/passwd", "a/../../b", "./x", "100%literal-percent",
        "looks%20encoded", "%2F%2E%2E", "with space", "café-unicode", "emoji-😀", "sub!$'()*+,=delims", "semi;colon",
        "a//b", "trailing/", "/leading", "UPPER-lower", "upper-lower", "back\\slash", "tab\tand\nnewline", "x.blob", "x.meta",
        "x.tmp", "%", "~long", new string('k', 2000), string.Concat(Enumerable.Repeat("😀", 1000)), new string('s', 300) + "/" + new string('t', 300),
    ];

    public static TheoryData<string> AwkwardKeys => new(s_awkwardKeys);

    [Theory]
    [MemberData(nameof(AwkwardKeys))]
    public async Task Awkward_keys_round_trip(string key)
    {
        var store = await CreateStoreAsync();
        var bytes = Encoding.UTF8.GetBytes("payload of " + key);
        await PutAsync(store, Id(key), bytes);
        Assert.Equal(bytes, await ReadAsync(store, Id(key)));
        Assert.Equal(bytes.Length, (await store.GetMetadataAsync(Id(key), None))!.Size);
        var listed = Assert.Single(await ListAllAsync(store, Id(key).StoragePath));
        Assert.Equal(Id(key).StoragePath, listed.StoragePath);
        await store.DeleteAsync(Id(key), None);
        Assert.Null(await ReadAsync(store, Id(key)));
    }

    [Fact]
    public async Task Awkward_keys_never_collide_and_list_back_exactly()
    {
        var store = await CreateStoreAsync();
        var keys = s_awkwardKeys;
        foreach (var key in keys) await PutAsync(store, Id(key), Encoding.UTF8.GetBytes(key));
        foreach (var key in keys) Assert.Equal(Encoding.UTF8.GetBytes(key), await ReadAsync(store, Id(key)));

        var listed = await ListAllAsync(store, "");
        Assert.Equal(keys.Select(k => Id(k).StoragePath).Order(StringComparer.Ordinal), listed.Select(b => b.StoragePath).Order(StringComparer.Ordinal));
        Assert.All(listed, b => Assert.Equal(Encoding.UTF8.GetByteCount(b.StoragePath[(b.StoragePath.IndexOf("/objects/", StringComparison.Ordinal) + 9)..]), b.Size));
    }

    [Fact]
    public async Task A_blob_and_blobs_below_its_key_coexist()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("a"), [1]);
        await PutAsync(store, Id("a/b"), [2]);
        await PutAsync(store, Id("a/b/c"), [3]);
        Assert.Equal(new byte[] { 1 }, await ReadAsync(store, Id("a")));
        Assert.Equal(new byte[] { 2 }, await ReadAsync(store, Id("a/b")));
        Assert.Equal(new byte[] { 3 }, await ReadAsync(store, Id("a/b/c")));
        await store.DeleteAsync(Id("a/b"), None);
        Assert.Equal(new byte[] { 3 }, await ReadAsync(store, Id("a/b/c")));
        Assert.Equal(new byte[] { 1 }, await ReadAsync(store, Id("a")));
    }

    [Fact]
    public async Task Listing_yields_exactly_the_blobs_under_the_prefix_with_their_sizes()
    {
        var store = await CreateStoreAsync();
        var expected = new Dictionary<string, long>();
        for (var i = 0; i < 25; i++)
        {
            var id = Id($"photos/{i:D3}");
            await PutAsync(store, id, Bytes(i, seed: i));
            expected[id.StoragePath] = i;
        }
        await PutAsync(store, Id("photosynthesis"), Bytes(3));
        await PutAsync(store, Id("other/1"), Bytes(3));
        await PutAsync(store, new ObjectId("attachments", Scopes.Empty, "photos/1"), Bytes(3));

        var listed = await ListAllAsync(store, Id("photos/").StoragePath);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), listed.Select(b => KeyValuePair.Create(b.StoragePath, b.Size)).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(listed, b => Assert.InRange(b.LastModified, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)));
    }

    [Fact]
    public async Task A_prefix_may_end_inside_a_segment()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, Id("ab"), [1]);
        await PutAsync(store, Id("abc/d"), [1]);
        await PutAsync(store, Id("b"), [1]);
        await PutAsync(store, Id(new string('a', 1500)), [1]);
        var listed = (await ListAllAsync(store, Id("a").StoragePath)).Select(b => b.StoragePath).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { Id("ab").StoragePath, Id("abc/d").StoragePath, Id(new string('a', 1500)).StoragePath }.Order(StringComparer.Ordinal), listed);
        Assert.Empty(await ListAllAsync(store, Id("zzz").StoragePath));
        Assert.Empty(await ListAllAsync(store, "no-such-usecase/"));
    }

    [Fact]
    public async Task Listing_can_stop_early()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 30; i++) await PutAsync(store, Id($"many/{i}"), [1]);
        var seen = 0;
        await foreach (var _ in store.ListAsync(Id("many/").StoragePath, None))
            if (++seen == 3) break;
        Assert.Equal(3, seen);
    }

    [Fact]
    public async Task A_listing_resumed_after_a_blobs_position_yields_exactly_the_blobs_after_it()
    {
        var store = await CreateStoreAsync();
        // Short and over-long paths: an S3 store lists them in two passes, and a position must resume either.
        var ids = Enumerable.Range(0, 12).Select(i => Id(i % 4 == 3 ? $"resume/{i:D2}/" + new string('x', 1100) : $"resume/{i:D2}")).ToList();
        foreach (var id in ids) await PutAsync(store, id, [1]);
        var all = new List<BlobInfo>();
        await foreach (var blob in store.ListAsync(Id("resume/").StoragePath, resumeAfter: null, None)) all.Add(blob);
        Assert.Equal(ids.Select(i => i.StoragePath).Order(StringComparer.Ordinal), all.Select(b => b.StoragePath).Order(StringComparer.Ordinal));
        if (all.All(b => b.ResumeAfter is null))
        {
            Assert.False(ResumesListings, "this store is expected to give listing positions");
            return;
        }
        Assert.True(ResumesListings);
        for (var cut = 0; cut < all.Count; cut++)
        {
            var rest = new List<string>();
            await foreach (var blob in store.ListAsync(Id("resume/").StoragePath, all[cut].ResumeAfter, None)) rest.Add(blob.StoragePath);
            Assert.Equal(all.Skip(cut + 1).Select(b => b.StoragePath), rest);
        }
    }

    [Fact]
    public async Task A_payload_arriving_in_many_small_chunks_without_a_size_is_stored_whole()
    {
        var store = await CreateStoreAsync();
        var bytes = Bytes(100_000);
        await store.PutAsync(Id("trickle"), new ObjectMetadata(), new TrickleStream(bytes, 333), null, None);
        Assert.Equal(bytes, await ReadAsync(store, Id("trickle")));
        Assert.Equal(100_000, (await store.GetMetadataAsync(Id("trickle"), None))!.Size);
    }

    [Fact]
    public async Task A_blob_of_several_parts_round_trips_with_ranges_across_part_boundaries()
    {
        var store = await CreateStoreAsync();
        var bytes = Bytes(12 * 1024 * 1024 + 7);
        await store.PutAsync(Id("big"), new ObjectMetadata(), new TrickleStream(bytes, 1 << 20), null, None);
        Assert.Equal(bytes, await ReadAsync(store, Id("big")));
        const int start = 5 * 1024 * 1024 - 10;
        Assert.Equal(bytes[start..(start + 20)], await ReadAsync(store, Id("big"), ByteRange.Bounded(start, start + 19)));
        Assert.Equal(bytes[1000..], await ReadAsync(store, Id("big"), ByteRange.From(1000)));
        Assert.Equal(bytes[^3..], await ReadAsync(store, Id("big"), ByteRange.Suffix(3)));
    }

    [Fact]
    public async Task Multipart_assembles_tiny_parts_in_the_listed_order_with_the_initiate_metadata()
    {
        var store = await CreateStoreAsync();
        var metadata = SampleMetadata();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), metadata, None);
        Assert.Null(await store.GetMetadataAsync(Id("mp"), None));
        var e1 = await UploadPartAsync(store, Id("mp"), uploadId, 1, "part-one"u8.ToArray());
        var e2 = await UploadPartAsync(store, Id("mp"), uploadId, 2, "two!"u8.ToArray());
        var e3 = await UploadPartAsync(store, Id("mp"), uploadId, 3, "three3333"u8.ToArray());

        var result = await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, e1), new(2, e2), new(3, e3)], None);

        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.Equal("part-onetwo!three3333"u8.ToArray(), await ReadAsync(store, Id("mp")));
        var stored = await store.GetMetadataAsync(Id("mp"), None);
        AssertSameMetadata(metadata, stored!);
        Assert.Equal(21, stored!.Size);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => store.ListPartsAsync(Id("mp"), uploadId, null, null, None));
    }

    [Fact]
    public async Task Complete_concatenates_only_the_listed_parts()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var e1 = await UploadPartAsync(store, Id("mp"), uploadId, 1, "AAAA"u8.ToArray());
        await UploadPartAsync(store, Id("mp"), uploadId, 2, "BBBB"u8.ToArray());
        var e3 = await UploadPartAsync(store, Id("mp"), uploadId, 3, "CCCC"u8.ToArray());
        var result = await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, e1), new(3, e3)], None);
        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.Equal("AAAACCCC"u8.ToArray(), await ReadAsync(store, Id("mp")));
    }

    /// <summary>Whether part etags are the quoted hex MD5 (S3's format); a backend with other content hashes overrides this.</summary>
    protected virtual bool PartETagsAreQuotedMd5 => true;

    [Fact]
    public async Task Part_etags_are_content_hashes()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var etag = await UploadPartAsync(store, Id("mp"), uploadId, 1, "hello"u8.ToArray());
        Assert.Equal(etag, await UploadPartAsync(store, Id("mp"), uploadId, 2, "hello"u8.ToArray()));
        Assert.NotEqual(etag, await UploadPartAsync(store, Id("mp"), uploadId, 3, "hellO"u8.ToArray()));
        if (PartETagsAreQuotedMd5) Assert.Equal("\"5d41402abc4b2a76b9719d911017c592\"", etag);
    }

    [Fact]
    public async Task Uploading_a_part_again_replaces_it()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var first = await UploadPartAsync(store, Id("mp"), uploadId, 1, "first"u8.ToArray());
        var second = await UploadPartAsync(store, Id("mp"), uploadId, 1, "second!"u8.ToArray());
        Assert.NotEqual(first, second);

        var listing = await store.ListPartsAsync(Id("mp"), uploadId, null, null, None);
        var part = Assert.Single(listing.Parts);
        Assert.Equal((1, second, 7L), (part.PartNumber, part.ETag, part.Size));
        Assert.False(listing.IsTruncated);
        Assert.Null(listing.NextPartNumberMarker);

        var stale = await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, first)], None);
        Assert.Equal("InvalidPart", stale.ErrorCode);
        Assert.True((await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, second)], None)).Succeeded);
        Assert.Equal("second!"u8.ToArray(), await ReadAsync(store, Id("mp")));
    }

    [Fact]
    public async Task Listing_parts_pages_by_marker()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var etags = new Dictionary<int, string>();
        foreach (var n in new[] { 5, 1, 12, 3, 9, 2, 10 }) etags[n] = await UploadPartAsync(store, Id("mp"), uploadId, n, Bytes(n, seed: n));

        var seen = new List<int>();
        int? marker = null;
        var pages = 0;
        while (true)
        {
            var page = await store.ListPartsAsync(Id("mp"), uploadId, 3, marker, None);
            pages++;
            Assert.True(page.Parts.Count <= 3);
            foreach (var part in page.Parts)
            {
                Assert.Equal(etags[part.PartNumber], part.ETag);
                Assert.Equal(part.PartNumber, part.Size);
            }
            seen.AddRange(page.Parts.Select(p => p.PartNumber));
            if (!page.IsTruncated)
            {
                Assert.Null(page.NextPartNumberMarker);
                break;
            }
            Assert.Equal(page.Parts[^1].PartNumber, page.NextPartNumberMarker);
            marker = page.NextPartNumberMarker;
        }
        Assert.Equal([1, 2, 3, 5, 9, 10, 12], seen);
        Assert.Equal(3, pages);
        var tail = await store.ListPartsAsync(Id("mp"), uploadId, null, 9, None);
        Assert.Equal([10, 12], tail.Parts.Select(p => p.PartNumber));
        Assert.False(tail.IsTruncated);
    }

    [Fact]
    public async Task Complete_with_a_bad_etag_fails_with_InvalidPart_and_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var e1 = await UploadPartAsync(store, Id("mp"), uploadId, 1, "AAAA"u8.ToArray());
        await UploadPartAsync(store, Id("mp"), uploadId, 2, "BBBB"u8.ToArray());

        var result = await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, e1), new(2, "\"bogus\"")], None);

        Assert.False(result.Succeeded);
        Assert.Equal("InvalidPart", result.ErrorCode);
        Assert.False(string.IsNullOrEmpty(result.ErrorMessage));
        Assert.Null(await store.GetMetadataAsync(Id("mp"), None));
        Assert.Null(await store.GetAsync(Id("mp"), null, None));
        Assert.Empty(await ListAllAsync(store, Id("mp").StoragePath));
        Assert.Equal(2, (await store.ListPartsAsync(Id("mp"), uploadId, null, null, None)).Parts.Count);
    }

    [Fact]
    public async Task Complete_naming_a_part_never_uploaded_fails_with_InvalidPart()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var e1 = await UploadPartAsync(store, Id("mp"), uploadId, 1, "AAAA"u8.ToArray());
        var result = await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, e1), new(2, e1)], None);
        Assert.Equal("InvalidPart", result.ErrorCode);
        Assert.Null(await store.GetMetadataAsync(Id("mp"), None));
    }

    [Fact]
    public async Task An_unknown_upload_id_is_UploadNotFound()
    {
        var store = await CreateStoreAsync();
        foreach (var uploadId in new[] { Guid.CreateVersion7().ToString("N"), "../../objects", "not-an-id" })
        {
            await Assert.ThrowsAsync<UploadNotFoundException>(() => UploadPartAsync(store, Id("mp"), uploadId, 1, [1]));
            await Assert.ThrowsAsync<UploadNotFoundException>(() => store.ListPartsAsync(Id("mp"), uploadId, null, null, None));
            await Assert.ThrowsAsync<UploadNotFoundException>(() => store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, "\"x\"")], None));
            await store.AbortMultipartAsync(Id("mp"), uploadId, None);
        }
    }

    [Fact]
    public async Task An_upload_id_only_works_for_its_own_object()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mine"), new ObjectMetadata(), None);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => UploadPartAsync(store, Id("theirs"), uploadId, 1, [1]));
        await Assert.ThrowsAsync<UploadNotFoundException>(() => store.CompleteMultipartAsync(Id("theirs"), uploadId, [], None));
    }

    [Fact]
    public async Task A_part_whose_bytes_do_not_match_its_content_md5_is_rejected_and_the_earlier_part_kept()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var good = "good part"u8.ToArray();
        var etag = await UploadPartAsync(store, Id("mp"), uploadId, 1, good, Md5Base64(good));

        await Assert.ThrowsAsync<PartIntegrityException>(() => UploadPartAsync(store, Id("mp"), uploadId, 1, "evil part"u8.ToArray(), Md5Base64(good)));
        await Assert.ThrowsAsync<PartIntegrityException>(() => UploadPartAsync(store, Id("mp"), uploadId, 1, good, "not base64!"));

        var part = Assert.Single((await store.ListPartsAsync(Id("mp"), uploadId, null, null, None)).Parts);
        Assert.Equal(etag, part.ETag);
        Assert.True((await store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, etag)], None)).Succeeded);
        Assert.Equal(good, await ReadAsync(store, Id("mp")));
    }

    [Fact]
    public async Task A_part_shorter_or_longer_than_its_content_length_is_rejected()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        await Assert.ThrowsAsync<PartIntegrityException>(() => store.UploadPartAsync(Id("mp"), uploadId, 1, new TrickleStream(Bytes(10), 3), 11, null, None));
        await Assert.ThrowsAsync<PartIntegrityException>(() => store.UploadPartAsync(Id("mp"), uploadId, 1, new TrickleStream(Bytes(10), 3), 9, null, None));
        Assert.Empty((await store.ListPartsAsync(Id("mp"), uploadId, null, null, None)).Parts);
    }

    [Fact]
    public async Task Abort_discards_the_upload_and_repeating_it_is_fine()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var e1 = await UploadPartAsync(store, Id("mp"), uploadId, 1, "AAAA"u8.ToArray());
        await store.AbortMultipartAsync(Id("mp"), uploadId, None);
        await store.AbortMultipartAsync(Id("mp"), uploadId, None);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => store.ListPartsAsync(Id("mp"), uploadId, null, null, None));
        await Assert.ThrowsAsync<UploadNotFoundException>(() => store.CompleteMultipartAsync(Id("mp"), uploadId, [new(1, e1)], None));
        Assert.Null(await store.GetMetadataAsync(Id("mp"), None));
        Assert.Empty(await ListAllAsync(store, ""));
    }

    [Fact]
    public async Task Multipart_uploads_work_for_awkward_keys()
    {
        var store = await CreateStoreAsync();
        foreach (var key in new[] { "../up", "emoji-😀/x", new string('m', 1800) })
        {
            var uploadId = await store.InitiateMultipartAsync(Id(key), new ObjectMetadata(), None);
            var etag = await UploadPartAsync(store, Id(key), uploadId, 1, Encoding.UTF8.GetBytes(key));
            Assert.True((await store.CompleteMultipartAsync(Id(key), uploadId, [new(1, etag)], None)).Succeeded);
            Assert.Equal(Encoding.UTF8.GetBytes(key), await ReadAsync(store, Id(key)));
        }
    }
}
