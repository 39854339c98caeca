using ObjectStore.Grains.Batch;
using System.Buffers;
using System.Buffers.Text;
using System.Text;
using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Uploads;
using ObjectStore.Storage.Diagnostics;
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
        var grain = grains.GetObjectGrain(id);
        var readRange = ObjectContract.ToReadRange(range);
        string? missingRevision = null;
        while (true)
        {
            var read = await Failover.RunAsync(static async (call, ct) => await call.grain.Get(call.readRange, ct).ConfigureAwait(false),
                (grain, readRange), cancellationToken).ConfigureAwait(false);
            switch (read.Kind)
            {
                case ObjectReadKind.Inline:
                    StorageTelemetry.NoteTier(StorageTelemetry.HighVolume);
                    return new ObjectContent(ObjectContract.ToMetadata(read.Metadata!), ObjectContract.ToContentRange(read.Range), read.Payload);
                case ObjectReadKind.LongTerm:
                    StorageTelemetry.NoteTier(StorageTelemetry.LongTerm);
                    LongTermObject? blob;
                    using (StorageTelemetry.Start("get_blob", id, StorageTelemetry.LongTerm))
                        blob = await longTerm.GetAsync(id.WithKey(read.RevisionKey!), range, cancellationToken).ConfigureAwait(false);
                    // The blob carries the revision's metadata; the grain's is the object's (TTI deadline included).
                    if (blob is not null) return new ObjectContent(ObjectContract.ToMetadata(read.Metadata!), blob.Range, blob.Content);
                    // An overwrite or delete committed between the grain's answer and the LT read, and the change log
                    // already removed the revision it named: ask again, which names the current one. The same revision
                    // missing twice is no race, and reads as absent.
                    if (read.RevisionKey == missingRevision) return null;
                    missingRevision = read.RevisionKey;
                    continue;
                default:
                    return null;
            }
        }
    }

    public async Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken) =>
        await Failover.RunAsync(static async (grain, ct) => await grain.Head(ct).ConfigureAwait(false), grains.GetObjectGrain(id), cancellationToken).ConfigureAwait(false) is { } info
            ? ObjectContract.ToMetadata(info)
            : null;

    public Task<ExpiryResult> ExtendExpiryAsync(ObjectId id, ExpiryRequest request, CancellationToken cancellationToken) =>
        Failover.RunAsync(static async (call, ct) => await call.grain.ExtendExpiry(call.request, ct).ConfigureAwait(false),
            (grain: grains.GetObjectGrain(id), request), cancellationToken).AsTask();

    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) =>
        Failover.RunAsync(static async (grain, ct) => await grain.Delete(ct).ConfigureAwait(false), grains.GetObjectGrain(id), cancellationToken).AsTask();

    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) =>
        Failover.RunAsync(static async (call, ct) => await call.grain.InitiateMultipart(call.info, ct).ConfigureAwait(false),
            (grain: grains.GetObjectGrain(id), info: ObjectContract.ToInfo(metadata)), cancellationToken).AsTask();

    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        storage.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);

    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        storage.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);

    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) =>
        storage.AbortMultipartAsync(id, uploadId, cancellationToken);

    public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) =>
        ObjectContract.ToCompletion(await Failover.RunAsync(static async (call, ct) => await call.grain.CompleteMultipart(call.uploadId, call.tags, ct).ConfigureAwait(false),
            (grain: grains.GetObjectGrain(id), uploadId, tags: ObjectContract.ToPartTags(parts)), cancellationToken).ConfigureAwait(false));

    public async Task<string> CreateUploadSessionAsync(ObjectId id, ObjectMetadata metadata, long length, CancellationToken cancellationToken)
    {
        // Upstream's token form: unpadded base64url of UTF-8 text; ours is a UUID v7 (unguessable enough, sortable).
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString("N")));
        await grains.GetGrain<IUploadSessionGrain>(token).Create(ObjectContract.GrainKey(id), ObjectContract.ToInfo(metadata), length, CancellationToken.None).ConfigureAwait(false);
        return token;
    }

    public async Task<UploadStep> UploadChunkAsync(string session, ObjectId id, long offset, Stream body, long size, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IUploadSessionGrain>(session);
        var key = ObjectContract.GrainKey(id);
        var step = await grain.BeginChunk(key, offset, size, CancellationToken.None).ConfigureAwait(false);
        switch (step.Kind)
        {
            case UploadStepKind.SendInline:
                // The session is within the inline threshold, so is the chunk: one pooled buffer, returned once the grain is done.
                var buffer = ArrayPool<byte>.Shared.Rent((int)size);
                try
                {
                    await body.ReadExactlyAsync(buffer.AsMemory(0, (int)size), cancellationToken).ConfigureAwait(false);
                    return await grain.AppendInline(key, offset, buffer.AsMemory(0, (int)size), CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            case UploadStepKind.StreamPart:
                var etag = await storage.UploadPartAsync(id, step.UploadId!, step.PartNumber, body, size, null, cancellationToken).ConfigureAwait(false);
                return await grain.EndChunk(key, new UploadChunk { PartNumber = step.PartNumber, ETag = etag, Offset = offset, Size = size }, CancellationToken.None).ConfigureAwait(false);
            default:
                return step;
        }
    }

    public Task<UploadStep> QueryUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken) =>
        grains.GetGrain<IUploadSessionGrain>(session).Query(ObjectContract.GrainKey(id), CancellationToken.None);

    public Task<UploadStep> CancelUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken) =>
        grains.GetGrain<IUploadSessionGrain>(session).Cancel(ObjectContract.GrainKey(id), CancellationToken.None);

    public IAsyncEnumerable<BatchResult> RunBatchAsync(IAsyncEnumerable<BatchItem> input, CancellationToken cancellationToken) =>
        sessions is not null
            ? BatchGateway.RunAsync(grains, sessions, input, cancellationToken)
            : (clientBatches ?? throw new InvalidOperationException("a process without grains needs its own batch executor"))
                .ExecuteAsync(input, new ObjectGrainBatchRunner(grains, writer), cancellationToken);

    public async Task<Stream?> OpenRevisionAsync(ObjectId revision, CancellationToken cancellationToken) =>
        (await longTerm.GetAsync(revision, null, cancellationToken).ConfigureAwait(false))?.Content;
}
