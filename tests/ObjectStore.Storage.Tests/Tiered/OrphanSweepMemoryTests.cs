using System.Runtime.CompilerServices;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>The sweep's memory bound: however long the listing, it holds at most one page of listed blobs.</summary>
public sealed class OrphanSweepMemoryTests
{
    [Fact]
    public async Task A_200000_entry_listing_is_swept_holding_at_most_one_page()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var redirects = new CountRedirectReads();
        var hv = new FaultyHighVolumeStore(new InMemoryHighVolumeStore()) { Hooks = redirects };
        var lt = new SyntheticListing(200_000, redirects);
        var clock = new ManualTimeProvider(SyntheticListing.Modified + TimeSpan.FromDays(1));
        var sweep = new OrphanSweep(lt, hv, new InMemoryChangeLog(), new OrphanSweepOptions { PageSize = 1000 }, clock);

        var result = await sweep.RunAsync(timeout.Token);

        Assert.Equal(200_000, result.Listed);
        Assert.Equal(200_000, result.Deleted);
        Assert.Equal(200_000, lt.Deleted);
        Assert.Equal(1000, result.LargestPage);
        // Listed but not yet judged (no HV read yet) at any moment: one page at most.
        Assert.InRange(lt.MostOutstanding, 1, 1000);
    }

    private sealed class CountRedirectReads : HighVolumeHooks
    {
        public int Count;

        public override ValueTask BeforeReadRedirect(ObjectId id)
        {
            Interlocked.Increment(ref Count);
            return default;
        }
    }

    /// <summary>An LT store whose listing is generated on the fly (distinct objects, one old revision each); only list and delete work.</summary>
    private sealed class SyntheticListing(int count, CountRedirectReads judged) : ILongTermStore
    {
        public static readonly DateTimeOffset Modified = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public int MostOutstanding { get; private set; }
        public int Deleted;

        public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                if (i % 1000 == 0) await Task.Yield();
                MostOutstanding = Math.Max(MostOutstanding, i + 1 - judged.Count);
                var revision = Revision.NewFor(new ObjectId("synthetic", Scopes.Empty, "k" + i));
                yield return new BlobInfo(revision.StoragePath, 10, Modified);
            }
        }

        public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Deleted);
            return Task.CompletedTask;
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
