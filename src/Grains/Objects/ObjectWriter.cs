using System.Buffers;
using System.Runtime.InteropServices;
using ObjectStore.Storage.Diagnostics;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// The one write path of an object body, used by the single PUT, the batch inserts and every other caller that holds
/// the long-term store: tier routing by size, then either <see cref="IObjectGrain.PutInline"/> or the large-write
/// sequence. Large write: <see cref="IObjectGrain.BeginLargeWrite"/> (the grain records the change first) → stream the
/// body into LT at the ticket's revision → <see cref="IObjectGrain.CommitLargeWrite"/>. Any failure after begin aborts
/// the write (its blob is deleted through the change log; an abort after a commit that did land is a no-op) and the
/// write's own error is rethrown. Writes carry no caller token into the grain: once started they run to completion.
/// <paramref name="uploader"/> is the silo this writer runs in (null in a process that hosts no silo): the large writes
/// it begins are owned by it, so they survive the key's grain moving and are recovered when this silo dies.
/// </summary>
public sealed class ObjectWriter(IGrainFactory grains, ILongTermStore longTerm, int inlineThreshold, string? uploader = null)
{
    /// <summary>Bodies up to this many bytes are stored inline.</summary>
    public int InlineThreshold => inlineThreshold;

    /// <summary>
    /// Stores <paramref name="body"/>, buffering at most threshold + 1 bytes in one pooled buffer: a body that ends
    /// within the threshold goes inline, a longer one streams from <paramref name="body"/> straight into LT.
    /// </summary>
    public async Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(inlineThreshold + 1);
        var returnBuffer = true;
        try
        {
            var buffered = await FillAsync(body, buffer.AsMemory(0, inlineThreshold + 1), cancellationToken).ConfigureAwait(false);
            if (buffered <= inlineThreshold)
            {
                // Local grain calls share the memory ([Immutable]): the buffer goes back to the pool only once the grain
                // is done with it, so the call is not cancellable and a timed-out call leaves the buffer to the GC.
                returnBuffer = false;
                StorageTelemetry.NoteTier(StorageTelemetry.HighVolume);
                await PutInlineAsync(id, metadata, buffer.AsMemory(0, buffered)).ConfigureAwait(false);
                returnBuffer = true;
                return;
            }
            await WriteLargeAsync(id, metadata, new PrefixedStream(buffer.AsMemory(0, buffered), body), contentLength, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (returnBuffer) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Stores a body already in memory (a batch insert): inline up to the threshold, else as a large write read from the memory without a copy.</summary>
    public async Task PutAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length <= inlineThreshold)
        {
            StorageTelemetry.NoteTier(StorageTelemetry.HighVolume);
            await PutInlineAsync(id, metadata, payload).ConfigureAwait(false);
            return;
        }
        using var content = AsStream(payload);
        await WriteLargeAsync(id, metadata, content, payload.Length, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask PutInlineAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload) =>
        Failover.RunAsync(static async (call, _) => { await call.Grain.PutInline(call.Info, call.Payload, CancellationToken.None).ConfigureAwait(false); },
            (Grain: grains.GetObjectGrain(id), Info: ObjectContract.ToInfo(metadata), Payload: payload), CancellationToken.None);

    private async Task WriteLargeAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? contentLength, CancellationToken cancellationToken)
    {
        StorageTelemetry.NoteTier(StorageTelemetry.LongTerm);
        var grain = grains.GetObjectGrain(id);
        var ticket = await Failover.RunAsync(static async (call, _) =>
            {
                using var uploader = new RequestContextValue(ObjectContract.UploaderContextKey, call.uploader);
                return await call.grain.BeginLargeWrite(call.info, CancellationToken.None).ConfigureAwait(false);
            },
            (grain, info: ObjectContract.ToInfo(metadata), uploader), CancellationToken.None).ConfigureAwait(false);
        try
        {
            var counted = content as PrefixedStream ?? new PrefixedStream(ReadOnlyMemory<byte>.Empty, content);
            using (StorageTelemetry.Start("put_blob", id, StorageTelemetry.LongTerm))
                await longTerm.PutAsync(id.WithKey(ticket.RevisionKey), ObjectContract.ToMetadata(ticket.Metadata), counted, contentLength, cancellationToken).ConfigureAwait(false);
            // The commit is decided from the change log, so it is safe to repeat and any activation of the key can run it;
            // the whole body is uploaded by now, so it waits out a longer failover than the other calls.
            await Failover.RunPatientlyAsync(static async (call, _) => await call.grain.CommitLargeWrite(call.ticket, call.size, CancellationToken.None).ConfigureAwait(false),
                (grain, ticket, size: counted.BytesRead), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await AbortQuietlyAsync(grain, ticket.ChangeId).ConfigureAwait(false);
            throw;
        }
    }

    // The write's own error is the one to report; a blob the abort could not remove is the change log's to recover.
    private static async Task AbortQuietlyAsync(IObjectGrain grain, Guid changeId)
    {
        try
        {
            await Failover.RunAsync(static async (call, _) => await call.grain.AbortLargeWrite(call.changeId, CancellationToken.None).ConfigureAwait(false),
                (grain, changeId), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Recovery deletes the revision once its change entry's hold passes.
        }
    }

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

    // A batch payload is at most 1 MiB and already in memory: wrap it, never copy it.
    private static MemoryStream AsStream(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
}
