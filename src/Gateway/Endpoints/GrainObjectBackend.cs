using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The backend through the object grains. Writes take the one write path, <see cref="ObjectWriter"/>: at most
/// threshold + 1 bytes buffered, then inline through the grain or streamed from the request straight into LT between
/// the grain's begin and commit, so no large payload passes through a grain. Reads follow the grain's pointer to LT.
/// Multipart parts, listings and aborts touch only LT under the upload's revision and go to <see cref="TieredStorage"/>
/// directly; initiate and complete go through the grain. Batches run on the silo's batch gateway pool
/// (<paramref name="sessions"/> holds them for it), or, in a process without grains (<paramref name="sessions"/> null),
/// on <paramref name="clientBatches"/> right here against the remote object grains.
/// </summary>
internal sealed class GrainObjectBackend(IGrainFactory grains, TieredStorage storage, ILongTermStore longTerm, ObjectWriter writer,
    BatchSessions? sessions, BatchExecutor? clientBatches = null) : IObjectBackend
{
    public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken) =>
        writer.PutAsync(id, metadata, body, contentLength, cancellationToken);

    public async Task<ObjectContent?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        var read = await grains.GetObjectGrain(id).Get(ObjectContract.ToReadRange(range), cancellationToken).ConfigureAwait(false);
        switch (read.Kind)
        {
            case ObjectReadKind.Inline:
                return new ObjectContent(ObjectContract.ToMetadata(read.Metadata!), ObjectContract.ToContentRange(read.Range), read.Payload);
            case ObjectReadKind.LongTerm:
                var blob = await longTerm.GetAsync(id.WithKey(read.RevisionKey!), range, cancellationToken).ConfigureAwait(false);
                // The blob carries the revision's metadata; the grain's is the object's (TTI deadline included).
                return blob is null ? null : new ObjectContent(ObjectContract.ToMetadata(read.Metadata!), blob.Range, blob.Content);
            default:
                return null;
        }
    }

    public async Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken) =>
        await grains.GetObjectGrain(id).Head(cancellationToken).ConfigureAwait(false) is { } info ? ObjectContract.ToMetadata(info) : null;

    public Task<ExpiryResult> ExtendExpiryAsync(ObjectId id, ExpiryRequest request, CancellationToken cancellationToken) =>
        grains.GetObjectGrain(id).ExtendExpiry(request, cancellationToken);

    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => grains.GetObjectGrain(id).Delete(cancellationToken);

    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) =>
        grains.GetObjectGrain(id).InitiateMultipart(ObjectContract.ToInfo(metadata), cancellationToken);

    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        storage.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);

    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        storage.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);

    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) =>
        storage.AbortMultipartAsync(id, uploadId, cancellationToken);

    public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) =>
        ObjectContract.ToCompletion(await grains.GetObjectGrain(id).CompleteMultipart(uploadId, ObjectContract.ToPartTags(parts), cancellationToken).ConfigureAwait(false));

    public IAsyncEnumerable<BatchResult> RunBatchAsync(IAsyncEnumerable<BatchItem> input, CancellationToken cancellationToken) =>
        sessions is not null
            ? BatchGateway.RunAsync(grains, sessions, input, cancellationToken)
            : (clientBatches ?? throw new InvalidOperationException("a process without grains needs its own batch executor"))
                .ExecuteAsync(input, new ObjectGrainBatchRunner(grains, writer), cancellationToken);

    public async Task<Stream?> OpenRevisionAsync(ObjectId revision, CancellationToken cancellationToken) =>
        (await longTerm.GetAsync(revision, null, cancellationToken).ConfigureAwait(false))?.Content;
}
