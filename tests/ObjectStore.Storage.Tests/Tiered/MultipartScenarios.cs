using System.Security.Cryptography;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>Multipart uploads: always LT under the revision fixed at initiate, idempotent complete.</summary>
public abstract partial class TieredScenarios
{
    private static readonly byte[][] TinyParts = [Bytes(4, 11), Bytes(9, 12), Bytes(6, 13)];

    private sealed class FailMetadataReadOnce : LongTermHooks
    {
        private int _fired;

        public override ValueTask BeforeGetMetadata(ObjectId id) =>
            Interlocked.Exchange(ref _fired, 1) == 0 ? throw new IOException("injected: metadata read failed") : default;
    }

    private async Task<(string UploadId, List<CompletedPart> Parts)> UploadAsync(byte[][] parts, ObjectMetadata? metadata = null)
    {
        var uploadId = await Storage.InitiateMultipartAsync(Id, metadata ?? new ObjectMetadata(), Ct);
        var completed = new List<CompletedPart>();
        for (var i = 0; i < parts.Length; i++)
        {
            var md5 = Convert.ToBase64String(MD5.HashData(parts[i]));
            var etag = await Storage.UploadPartAsync(Id, uploadId, i + 1, new MemoryStream(parts[i]), parts[i].Length, md5, Ct);
            completed.Add(new CompletedPart(i + 1, etag));
        }
        return (uploadId, completed);
    }

    private static byte[] Concat(byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private async Task AssertMultipartObjectAsync(string uploadId)
    {
        await SettleAsync();
        var target = await TargetAsync();
        Assert.Equal([target.StoragePath], await BlobsAsync());
        Assert.Equal(Concat(TinyParts), await ReadAsync());
        Assert.Equal(Concat(TinyParts).Length, (await Storage.HeadAsync(Id, Ct))!.Size);
        Assert.Equal(MultipartCompletion.Success, await Storage.CompleteMultipartAsync(Id, uploadId, [], Ct));
    }

    [Fact]
    public async Task Multipart_upload_of_tiny_parts_goes_to_LT_under_its_revision()
    {
        var (uploadId, parts) = await UploadAsync(TinyParts, new ObjectMetadata { Filename = "a.bin" });
        var listing = await Storage.ListPartsAsync(Id, uploadId, 2, null, Ct);
        Assert.Equal([1, 2], listing.Parts.Select(p => p.PartNumber));
        Assert.True(listing.IsTruncated);
        Assert.Equal(MultipartCompletion.Success, await Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct));
        await AssertMultipartObjectAsync(uploadId);
        Assert.Equal("a.bin", (await Storage.HeadAsync(Id, Ct))!.Filename);
        Assert.Empty(await EntriesAsync());
    }

    [Fact]
    public async Task Multipart_complete_over_a_large_object_cleans_the_old_blob()
    {
        await PutAsync(Large());
        var (uploadId, parts) = await UploadAsync(TinyParts);
        Assert.Equal(MultipartCompletion.Success, await Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct));
        await AssertMultipartObjectAsync(uploadId);
        Assert.Empty(await EntriesAsync());
    }

    [Fact]
    public Task Multipart_complete_retried_after_a_lost_response_succeeds_without_deleting_anything() =>
        AssertRetriedCompleteSucceedsAsync(() => Hv.Hooks = new LoseCasResponse());

    [Fact]
    public Task Multipart_complete_retried_after_a_failed_metadata_read_succeeds_without_deleting_anything() =>
        AssertRetriedCompleteSucceedsAsync(() => Lt.Hooks = new FailMetadataReadOnce());

    /// <summary>The first complete fails after <paramref name="injectFault"/>; the retry succeeds; nothing is ever deleted, not even by recovery after the hold.</summary>
    private async Task AssertRetriedCompleteSucceedsAsync(Action injectFault)
    {
        var (uploadId, parts) = await UploadAsync(TinyParts);
        injectFault();
        await Assert.ThrowsAsync<IOException>(() => Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct));
        Assert.Equal(MultipartCompletion.Success, await Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct));
        await AssertMultipartObjectAsync(uploadId);
        Assert.Equal(0, Lt.Deletes);

        Clock.Advance(TimeSpan.FromHours(25));
        await Storage.RecoverAsync([Owner], 10, Ct);
        await AssertMultipartObjectAsync(uploadId);
        Assert.Equal(0, Lt.Deletes);
        Assert.Empty(await EntriesAsync());
    }

    [Fact]
    public async Task Multipart_complete_failing_for_good_removes_the_blob_after_the_hold()
    {
        var (uploadId, parts) = await UploadAsync(TinyParts);
        Hv.Hooks = new FailCas();
        await Assert.ThrowsAsync<IOException>(() => Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct));
        await Assert.ThrowsAsync<IOException>(() => Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct));
        await SettleAsync();
        Assert.Single(await BlobsAsync());

        Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, (await Storage.RecoverAsync([], 10, Ct)).Claimed);
        Assert.Single(await BlobsAsync());

        Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Hv.Hooks = HighVolumeHooks.None;
        Assert.Equal(2, (await Storage.RecoverAsync([Owner], 10, Ct)).Cleaned);
        await AssertSettledAsync(null);
    }

    [Fact]
    public async Task Multipart_complete_with_a_bad_etag_reports_InvalidPart_and_writes_nothing()
    {
        var (uploadId, parts) = await UploadAsync(TinyParts);
        parts[1] = parts[1] with { ETag = "\"00000000000000000000000000000000\"" };
        var completion = await Storage.CompleteMultipartAsync(Id, uploadId, parts, Ct);
        Assert.Equal("InvalidPart", completion.ErrorCode);
        Assert.False(string.IsNullOrEmpty(completion.ErrorMessage));
        await SettleAsync();
        Assert.Equal(EntryKind.NotFound, (await RowAsync()).Kind);
        Assert.Empty(await BlobsAsync());
    }

    [Fact]
    public async Task Upload_id_of_another_key_or_garbage_is_refused()
    {
        var (uploadId, _) = await UploadAsync(TinyParts[..1]);
        var other = Id.WithKey(Id.Key + "-other");
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Storage.ListPartsAsync(other, uploadId, null, null, Ct));
        await Assert.ThrowsAsync<FormatException>(() => Storage.ListPartsAsync(Id, "not*base64", null, null, Ct));
        await Storage.AbortMultipartAsync(Id, uploadId, Ct);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Storage.ListPartsAsync(Id, uploadId, null, null, Ct));
    }
}
