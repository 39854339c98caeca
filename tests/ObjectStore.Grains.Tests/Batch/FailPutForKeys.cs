using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Batch;

/// <summary>An LT store whose blob writes fail for revisions of keys starting with <paramref name="prefix"/>.</summary>
internal sealed class FailPutForKeys(ILongTermStore inner, string prefix) : ILongTermStore
{
    public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken) =>
        id.Key.StartsWith(prefix, StringComparison.Ordinal)
            ? throw new IOException($"injected LT write failure for {id.Key}")
            : inner.PutAsync(id, metadata, content, sizeHint, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);
    public Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken) => inner.GetAsync(id, range, cancellationToken);
    public Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken) => inner.GetMetadataAsync(id, cancellationToken);
    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);
    public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) => inner.InitiateMultipartAsync(id, metadata, cancellationToken);
    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        inner.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);
    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        inner.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);
    public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) =>
        inner.CompleteMultipartAsync(id, uploadId, parts, cancellationToken);
    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) => inner.AbortMultipartAsync(id, uploadId, cancellationToken);
}
