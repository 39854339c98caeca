using System.Security.Cryptography;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.InMemory;

public sealed class InMemoryLongTermStoreTests
{
    private static readonly ObjectId Id = new("u", Scopes.Empty, "k/rev");
    private readonly InMemoryLongTermStore _store = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private static async Task<byte[]> ReadAll(Stream s)
    {
        var copy = new MemoryStream();
        await s.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Put_get_range_and_delete_round_trip_with_the_size_recorded()
    {
        var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        await _store.PutAsync(Id, new ObjectMetadata { ContentType = "text/plain" }, new MemoryStream(data), null, _ct);
        await using (var whole = await _store.GetAsync(Id, null, _ct))
        {
            Assert.Equal(data, await ReadAll(whole!.Content));
            Assert.Equal(100, whole.Metadata.Size);
            Assert.Equal("text/plain", whole.Metadata.ContentType);
        }
        await using (var tail = await _store.GetAsync(Id, ByteRange.Suffix(3), _ct))
        {
            Assert.Equal(new ContentRange(97, 99, 100), tail!.Range);
            Assert.Equal(data[97..], await ReadAll(tail.Content));
        }
        await using (var beyond = await _store.GetAsync(Id, ByteRange.From(100), _ct))
        {
            Assert.Null(beyond!.Range);
            Assert.Empty(await ReadAll(beyond.Content));
        }
        await _store.DeleteAsync(Id, _ct);
        await _store.DeleteAsync(Id, _ct);
        Assert.Null(await _store.GetAsync(Id, null, _ct));
        Assert.Null(await _store.GetMetadataAsync(Id, _ct));
    }

    [Fact]
    public async Task Listing_pages_through_more_than_a_thousand_blobs_under_the_prefix_only()
    {
        for (var i = 0; i < 1203; i++)
            await _store.PutAsync(Id.WithKey($"a/{i:D5}"), new ObjectMetadata(), new MemoryStream([1]), 1, _ct);
        await _store.PutAsync(Id.WithKey("b/0"), new ObjectMetadata(), new MemoryStream([1]), 1, _ct);
        var prefix = Id.WithKey("a/").StoragePath;
        var listed = new List<string>();
        await foreach (var b in _store.ListAsync(prefix, _ct)) listed.Add(b.StoragePath);
        Assert.Equal(1203, listed.Count);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.All(listed, p => Assert.StartsWith(prefix, p));
    }

    [Fact]
    public async Task Multipart_accepts_tiny_parts_with_md5_etags_and_assembles_in_listed_order()
    {
        var upload = await _store.InitiateMultipartAsync(Id, new ObjectMetadata { Filename = "f" }, _ct);
        byte[] p1 = [1, 2, 3, 4], p2 = [5, 6, 7, 8, 9];
        var e1 = await _store.UploadPartAsync(Id, upload, 1, new MemoryStream(p1), p1.Length, Convert.ToBase64String(MD5.HashData(p1)), _ct);
        var e2 = await _store.UploadPartAsync(Id, upload, 2, new MemoryStream(p2), p2.Length, null, _ct);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(p1))}\"", e1);

        var page = await _store.ListPartsAsync(Id, upload, 1, null, _ct);
        Assert.Equal(new UploadedPart(1, e1, 4, page.Parts[0].LastModified), page.Parts[0]);
        Assert.True(page.IsTruncated);
        Assert.Equal(1, page.NextPartNumberMarker);
        var rest = await _store.ListPartsAsync(Id, upload, null, 1, _ct);
        Assert.Equal([2], rest.Parts.Select(p => p.PartNumber));
        Assert.False(rest.IsTruncated);
        Assert.Null(rest.NextPartNumberMarker);

        Assert.True((await _store.CompleteMultipartAsync(Id, upload, [new(2, e2), new(1, e1)], _ct)).Succeeded);
        await using var blob = await _store.GetAsync(Id, null, _ct);
        Assert.Equal([5, 6, 7, 8, 9, 1, 2, 3, 4], await ReadAll(blob!.Content));
        Assert.Equal("f", blob.Metadata.Filename);
        Assert.Equal(9, blob.Metadata.Size);
        Assert.Equal(0, _store.OpenUploads);
    }

    [Fact]
    public async Task Multipart_complete_fails_with_InvalidPart_on_a_bad_etag_or_a_missing_part_and_writes_nothing()
    {
        var upload = await _store.InitiateMultipartAsync(Id, new ObjectMetadata(), _ct);
        var e1 = await _store.UploadPartAsync(Id, upload, 1, new MemoryStream([1]), 1, null, _ct);
        var bad = await _store.CompleteMultipartAsync(Id, upload, [new(1, "\"bogus\"")], _ct);
        Assert.Equal("InvalidPart", bad.ErrorCode);
        Assert.Contains("etag mismatch for part 1", bad.ErrorMessage);
        Assert.Equal("InvalidPart", (await _store.CompleteMultipartAsync(Id, upload, [new(1, e1), new(2, e1)], _ct)).ErrorCode);
        Assert.Null(await _store.GetMetadataAsync(Id, _ct));
        Assert.Equal(1, _store.OpenUploads);
    }

    [Fact]
    public async Task Parts_are_checked_against_md5_and_length_and_replaced_on_reupload()
    {
        var upload = await _store.InitiateMultipartAsync(Id, new ObjectMetadata(), _ct);
        await Assert.ThrowsAsync<PartIntegrityException>(() => _store.UploadPartAsync(Id, upload, 1, new MemoryStream([1, 2]), 2, Convert.ToBase64String(MD5.HashData(new byte[] { 9 })), _ct));
        await Assert.ThrowsAsync<PartIntegrityException>(() => _store.UploadPartAsync(Id, upload, 1, new MemoryStream([1, 2]), 1, null, _ct));
        await Assert.ThrowsAnyAsync<EndOfStreamException>(() => _store.UploadPartAsync(Id, upload, 1, new MemoryStream([1]), 2, null, _ct));
        var first = await _store.UploadPartAsync(Id, upload, 1, new MemoryStream([1]), 1, null, _ct);
        var second = await _store.UploadPartAsync(Id, upload, 1, new MemoryStream([2]), 1, null, _ct);
        Assert.NotEqual(first, second);
        Assert.Equal(second, Assert.Single((await _store.ListPartsAsync(Id, upload, null, null, _ct)).Parts).ETag);
    }

    [Fact]
    public async Task Unknown_or_aborted_uploads_are_not_found_and_abort_is_idempotent()
    {
        await Assert.ThrowsAsync<UploadNotFoundException>(() => _store.UploadPartAsync(Id, "nope", 1, new MemoryStream([1]), 1, null, _ct));
        var upload = await _store.InitiateMultipartAsync(Id, new ObjectMetadata(), _ct);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => _store.ListPartsAsync(Id.WithKey("other"), upload, null, null, _ct));
        await _store.AbortMultipartAsync(Id, upload, _ct);
        await _store.AbortMultipartAsync(Id, upload, _ct);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => _store.CompleteMultipartAsync(Id, upload, [new(1, "x")], _ct));
        Assert.Null(await _store.GetMetadataAsync(Id, _ct));
    }
}
