using System.Buffers;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Runtime.Grains;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The backend through the object grains. Writes buffer at most threshold + 1 bytes in one pooled buffer: a body
/// that ends within the threshold goes to <see cref="IObjectGrain.PutInline"/>; a longer one is streamed from the
/// request straight into LT between <see cref="IObjectGrain.BeginLargeWrite"/> and
/// <see cref="IObjectGrain.CommitLargeWrite"/>, so no payload passes through the grain. Reads follow the grain's
/// redirect to LT. Multipart parts, listings and aborts touch only LT under the upload's revision and go to
/// <see cref="TieredStorage"/> directly; initiate and complete go through the grain. Batches run on the silo's
/// batch gateway pool, or, in a process without grains, on <paramref name="clientBatches"/> right here against the
/// remote object grains.
/// </summary>
internal sealed class GrainObjectBackend(IGrainFactory grains, TieredStorage storage, ILongTermStore longTerm, BatchExecutor? clientBatches = null) : IObjectBackend
{
    public async Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        var threshold = storage.InlineThreshold;
        var buffer = ArrayPool<byte>.Shared.Rent(threshold + 1);
        var returnBuffer = true;
        try
        {
            var buffered = await FillAsync(body, buffer.AsMemory(0, threshold + 1), cancellationToken).ConfigureAwait(false);
            var grain = grains.GetObjectGrain(id);
            if (buffered <= threshold)
            {
                // Local grain calls share the memory: the buffer goes back to the pool only once the grain is done
                // with it, so the call is not cancellable and a timed-out call leaves the buffer to the GC.
                returnBuffer = false;
                await grain.PutInline(metadata, buffer.AsMemory(0, buffered), CancellationToken.None).ConfigureAwait(false);
                returnBuffer = true;
                return;
            }
            var ticket = await grain.BeginLargeWrite(metadata, cancellationToken).ConfigureAwait(false);
            var content = new PrefixedStream(buffer.AsMemory(0, buffered), body);
            try
            {
                await longTerm.PutAsync(ticket.Revision, ticket.Metadata, content, contentLength, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await grain.AbortLargeWrite(ticket.ChangeId, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            await grain.CommitLargeWrite(ticket.ChangeId, content.BytesRead, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (returnBuffer) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<ObjectContent?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        var read = await grains.GetObjectGrain(id).Get(range, cancellationToken).ConfigureAwait(false);
        switch (read.Kind)
        {
            case ObjectReadKind.Inline:
                return new ObjectContent(read.Metadata!, read.Range, read.Payload);
            case ObjectReadKind.Redirect:
                var blob = await longTerm.GetAsync(read.Revision!, range, cancellationToken).ConfigureAwait(false);
                // The blob carries the revision's metadata; the grain's is the object's (TTI deadline included).
                return blob is null ? null : new ObjectContent(read.Metadata!, blob.Range, blob.Content);
            default:
                return null;
        }
    }

    public Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken) => grains.GetObjectGrain(id).Head(cancellationToken);

    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => grains.GetObjectGrain(id).Delete(cancellationToken);

    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) =>
        grains.GetObjectGrain(id).InitiateMultipart(metadata, cancellationToken);

    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
        storage.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);

    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
        storage.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);

    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) =>
        storage.AbortMultipartAsync(id, uploadId, cancellationToken);

    public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) =>
        grains.GetObjectGrain(id).CompleteMultipart(uploadId, parts, cancellationToken);

    public IAsyncEnumerable<BatchResult> RunBatchAsync(IAsyncEnumerable<BatchItem> input, CancellationToken cancellationToken) =>
        clientBatches is null
            ? BatchGateway.RunAsync(grains, input, cancellationToken)
            : clientBatches.ExecuteAsync(input, new ObjectGrainBatchRunner(grains, longTerm, storage.InlineThreshold), cancellationToken);

    public async Task<Stream?> OpenRevisionAsync(ObjectId revision, CancellationToken cancellationToken) =>
        (await longTerm.GetAsync(revision, null, cancellationToken).ConfigureAwait(false))?.Content;

    private static async Task<int> FillAsync(Stream body, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await body.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
