using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Faults;

/// <summary>
/// Fault hooks for <see cref="FaultyLongTermStore"/>: one overridable before/after pair per operation;
/// scenarios subclass it with a tiny type named for the fault (<c>FailDelete</c>, <c>PauseDelete</c>).
/// </summary>
public class LongTermHooks
{
    public static readonly LongTermHooks None = new();

    public virtual ValueTask BeforePut(ObjectId id) => default;
    public virtual ValueTask AfterPut(ObjectId id) => default;
    public virtual ValueTask BeforeGet(ObjectId id) => default;
    public virtual ValueTask BeforeGetMetadata(ObjectId id) => default;
    public virtual ValueTask BeforeDelete(ObjectId id) => default;
    public virtual ValueTask AfterDelete(ObjectId id) => default;
    public virtual ValueTask BeforeComplete(ObjectId id) => default;
    public virtual ValueTask AfterComplete(ObjectId id, MultipartCompletion completion) => default;
}

/// <summary>Wraps a real LT store, runs <see cref="Hooks"/> around every operation and counts deletes.</summary>
public sealed class FaultyLongTermStore(ILongTermStore inner) : ILongTermStore
{
    private int _deletes;

    public ILongTermStore Inner { get; } = inner;

    public LongTermHooks Hooks { get; set; } = LongTermHooks.None;

    /// <summary>Deletes that reached the inner store.</summary>
    public int Deletes => Volatile.Read(ref _deletes);

    public Task InitializeAsync(CancellationToken cancellationToken) => Inner.InitializeAsync(cancellationToken);

    public async Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken)
    {
        await Hooks.BeforePut(id);
        await Inner.PutAsync(id, metadata, content, sizeHint, cancellationToken);
        await Hooks.AfterPut(id);
    }

    public async Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        await Hooks.BeforeGet(id);
        return await Inner.GetAsync(id, range, cancellationToken);
    }

    public async Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken)
    {
        await Hooks.BeforeGetMetadata(id);
        return await Inner.GetMetadataAsync(id, cancellationToken);
    }

    public async Task DeleteAsync(ObjectId id, CancellationToken cancellationToken)
    {
        await Hooks.BeforeDelete(id);
        await Inner.DeleteAsync(id, cancellationToken);
        Interlocked.Increment(ref _deletes);
        await Hooks.AfterDelete(id);
    }

    public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken) => Inner.ListAsync(prefix, cancellationToken);

    public Task<int> AbortUploadsInitiatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Inner.AbortUploadsInitiatedBeforeAsync(cutoff, cancellationToken);

    public IAsyncEnumerable<UnfinishedWrite> ListUnfinishedWritesAsync(ObjectId? blob, CancellationToken cancellationToken) =>
        Inner.ListUnfinishedWritesAsync(blob, cancellationToken);

    public Task AbortUnfinishedWriteAsync(UnfinishedWrite write, CancellationToken cancellationToken) => Inner.AbortUnfinishedWriteAsync(write, cancellationToken);

    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) =>
        Inner.InitiateMultipartAsync(id, metadata, cancellationToken);

    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        Inner.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);

    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        Inner.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);

    public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
    {
        await Hooks.BeforeComplete(id);
        var completion = await Inner.CompleteMultipartAsync(id, uploadId, parts, cancellationToken);
        await Hooks.AfterComplete(id, completion);
        return completion;
    }

    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) =>
        Inner.AbortMultipartAsync(id, uploadId, cancellationToken);
}
