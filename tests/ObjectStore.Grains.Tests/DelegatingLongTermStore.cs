using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests;

/// <summary>An LT store that passes every call to <paramref name="inner"/>; fault-injecting test stores override one member.</summary>
internal abstract class DelegatingLongTermStore(ILongTermStore inner) : ILongTermStore
{
    /// <summary>The store the calls go to.</summary>
    protected ILongTermStore Inner { get; } = inner;

    public virtual Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken) =>
        Inner.PutAsync(id, metadata, content, sizeHint, cancellationToken);
    public Task InitializeAsync(CancellationToken cancellationToken) => Inner.InitializeAsync(cancellationToken);
    public Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken) => Inner.GetAsync(id, range, cancellationToken);
    public Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken) => Inner.GetMetadataAsync(id, cancellationToken);
    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => Inner.DeleteAsync(id, cancellationToken);
    public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken) => ListAsync(prefix, null, cancellationToken);
    public virtual IAsyncEnumerable<BlobInfo> ListAsync(string prefix, string? resumeAfter, CancellationToken cancellationToken) =>
        Inner.ListAsync(prefix, resumeAfter, cancellationToken);
    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) => Inner.InitiateMultipartAsync(id, metadata, cancellationToken);
    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        Inner.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);
    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        Inner.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);
    public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) =>
        Inner.CompleteMultipartAsync(id, uploadId, parts, cancellationToken);
    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) => Inner.AbortMultipartAsync(id, uploadId, cancellationToken);
    public IAsyncEnumerable<UnfinishedWrite> ListUnfinishedWritesAsync(ObjectId? blob, CancellationToken cancellationToken) => Inner.ListUnfinishedWritesAsync(blob, cancellationToken);
    public Task AbortUnfinishedWriteAsync(UnfinishedWrite write, CancellationToken cancellationToken) => Inner.AbortUnfinishedWriteAsync(write, cancellationToken);
    public Task<int> AbortUploadsInitiatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Inner.AbortUploadsInitiatedBeforeAsync(cutoff, cancellationToken);
}
