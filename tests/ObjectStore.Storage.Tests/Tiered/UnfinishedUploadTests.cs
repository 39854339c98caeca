using Amazon.S3.Model;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tests.LongTerm;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>
/// A writer that dies mid-upload leaves an S3 multipart upload behind (moto): recovery of its change entry aborts it,
/// and the orphan sweep aborts one that no change entry owns, so the bucket is left with no upload at all.
/// </summary>
public sealed class UnfinishedUploadTests : IDisposable
{
    private const string DeadWriter = "dead-silo";
    private readonly S3TestStores _s3 = new();
    private readonly InMemoryHighVolumeStore _hv = new();
    private readonly InMemoryChangeLog _log = new();
    private readonly ObjectId _id = new("faults", Scopes.Create(new Scope("org", "1")), "big-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public void Dispose() => _s3.Dispose();

    private ObjectId NewRevision() => _id.WithKey(_id.Key + "/" + Guid.CreateVersion7());

    /// <summary>What S3BlobWriter had done when its silo was killed: initiated the upload of the revision and sent a part.</summary>
    private async Task CrashMidUploadAsync(S3LongTermStore store, ObjectId revision)
    {
        var key = revision.StoragePath;
        var upload = await store.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store.BucketName, Key = key }, _ct);
        await store.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = store.BucketName, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1024]),
        }, _ct);
    }

    private static async Task<int> UploadsAsync(S3LongTermStore store) =>
        (await store.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = store.BucketName })).MultipartUploads?.Count ?? 0;

    private Task RecordAsync(ObjectId revision) => _log.RecordAsync(new ChangeEntry
    {
        Id = Guid.CreateVersion7(), Object = _id, NewBlob = revision, Owner = DeadWriter, RecordedAt = DateTimeOffset.UtcNow,
    }, _ct);

    [Fact]
    public async Task Recovery_of_a_dead_writers_entry_aborts_its_multipart_upload()
    {
        var store = await _s3.CreateAsync();
        var revision = NewRevision();
        await RecordAsync(revision);
        await CrashMidUploadAsync(store, revision);
        var other = NewRevision();
        await CrashMidUploadAsync(store, other); // another write's upload, under the same object: not this entry's to abort
        Assert.Equal(2, await UploadsAsync(store));

        var jobs = new BackgroundJobLoop(new BackgroundJobOptions());
        var storage = new TieredStorage(_hv, store, _log, jobs, new TieredStorageOptions { Owner = "survivor" }, TimeProvider.System);
        var recovered = await storage.RecoverAsync([], 10, _ct);
        jobs.ForceStop();

        Assert.Equal(1, recovered.Cleaned);
        var left = await store.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = store.BucketName }, _ct);
        Assert.Equal(other.StoragePath, Assert.Single(left.MultipartUploads).Key);
    }

    [Fact]
    public async Task The_sweep_aborts_an_old_upload_no_change_entry_owns_and_keeps_one_that_an_entry_owns()
    {
        var store = await _s3.CreateAsync();
        var ownerless = NewRevision();
        await CrashMidUploadAsync(store, ownerless);
        var owned = NewRevision();
        await RecordAsync(owned);
        await CrashMidUploadAsync(store, owned);
        // Past the grace of both (moto stamps every upload as initiated in 2010; S3 gives the real time).
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(2));

        var result = await new OrphanSweep(store, _hv, _log, new OrphanSweepOptions { Grace = TimeSpan.FromHours(1) }, clock).RunAsync(_ct);

        Assert.Equal(1, result.UploadsAborted);
        var left = await store.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = store.BucketName }, _ct);
        Assert.Equal(owned.StoragePath, Assert.Single(left.MultipartUploads).Key);

        // Once the owning write is over (its entry gone), the next sweep takes that one too: the bucket holds no upload.
        await foreach (var entry in _log.ListAsync(_ct)) await _log.RemoveAsync(entry.Id, _ct);
        await new OrphanSweep(store, _hv, _log, new OrphanSweepOptions { Grace = TimeSpan.FromHours(1) }, clock).RunAsync(_ct);
        Assert.Equal(0, await UploadsAsync(store));
    }
}
