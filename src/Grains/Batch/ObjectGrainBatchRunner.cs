using System.Runtime.InteropServices;
using ObjectStore.Grains.Objects;
using ObjectStore.Runtime.Grains;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// Runs batch operations against the ObjectGrain of each key: get (inline bytes, or the LT revision to stream), head,
/// delete, and insert — inline through <see cref="IObjectGrain.PutInline"/> up to the inline threshold, above it (a
/// threshold configured below 1 MiB) as a large write: begin on the grain, write the LT blob, commit on the grain.
/// Calls carry no caller token: a started operation runs to completion (see <see cref="IBatchOperationRunner"/>).
/// </summary>
public sealed class ObjectGrainBatchRunner(IGrainFactory grains, ILongTermStore longTerm, int inlineThreshold) : IBatchOperationRunner
{
    /// <inheritdoc/>
    public async Task<BatchResult> RunAsync(BatchOperation operation)
    {
        var grain = grains.GetGrain<IObjectGrain>(ObjectGrainKey.Format(operation.Id));
        switch (operation.Kind)
        {
            case BatchOperationKind.Get:
                var read = await grain.Get().ConfigureAwait(false);
                return read.Kind switch
                {
                    ObjectReadKind.Inline => BatchResult.Found(operation, read.Metadata!, read.Payload),
                    ObjectReadKind.Redirect => BatchResult.FoundLongTerm(operation, read.Metadata!, read.Revision!),
                    _ => BatchResult.NotFound(operation),
                };
            case BatchOperationKind.Head:
                var metadata = await grain.Head().ConfigureAwait(false);
                return metadata is null ? BatchResult.NotFound(operation) : BatchResult.HeadFound(operation, metadata);
            case BatchOperationKind.Insert:
                if (operation.Payload.Length <= inlineThreshold) await grain.PutInline(operation.Metadata!, operation.Payload).ConfigureAwait(false);
                else await PutLargeAsync(grain, operation).ConfigureAwait(false);
                return BatchResult.Created(operation);
            case BatchOperationKind.Delete:
                await grain.Delete().ConfigureAwait(false);
                return BatchResult.Deleted(operation);
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "unknown batch operation kind");
        }
    }

    private async Task PutLargeAsync(IObjectGrain grain, BatchOperation operation)
    {
        var ticket = await grain.BeginLargeWrite(operation.Metadata!).ConfigureAwait(false);
        try
        {
            using var content = AsStream(operation.Payload);
            await longTerm.PutAsync(ticket.Revision, ticket.Metadata, content, operation.Payload.Length, CancellationToken.None).ConfigureAwait(false);
            await grain.CommitLargeWrite(ticket.ChangeId, operation.Payload.Length).ConfigureAwait(false);
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
            await grain.AbortLargeWrite(changeId).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Recovery deletes the revision once its change entry's hold passes.
        }
    }

    // The payload is at most 1 MiB and already in memory: wrap it, never copy it.
    private static MemoryStream AsStream(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
}
