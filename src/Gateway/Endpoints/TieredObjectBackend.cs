using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The backend straight over <see cref="TieredStorage"/> in this process (no grain hop). Tier choice, pooled
/// threshold buffering and streaming into LT are TieredStorage's own.
/// </summary>
internal sealed class TieredObjectBackend(TieredStorage storage) : IObjectBackend
{
    public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken) =>
        storage.PutAsync(id, metadata, body, contentLength, cancellationToken);

    public async Task<ObjectContent?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        var stored = await storage.GetAsync(id, range, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new ObjectContent(stored.Metadata, stored.Range, stored.Content);
    }

    public Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken) => storage.HeadAsync(id, cancellationToken);

    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => storage.DeleteAsync(id, cancellationToken);

    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) =>
        storage.InitiateMultipartAsync(id, metadata, cancellationToken);

    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        storage.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);

    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        storage.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);

    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) =>
        storage.AbortMultipartAsync(id, uploadId, cancellationToken);

    public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) =>
        storage.CompleteMultipartAsync(id, uploadId, parts, cancellationToken);
}
