using ObjectStore.Grains.Objects;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// Runs batch operations against the ObjectGrain of each key: get (inline bytes, or the LT revision to stream), head,
/// delete, and insert through the one write path, <see cref="ObjectWriter"/> (inline up to the threshold; above it, a
/// threshold configured below 1 MiB, as a large write). Calls carry no caller token: a started operation runs to
/// completion (see <see cref="IBatchOperationRunner"/>).
/// </summary>
public sealed class ObjectGrainBatchRunner(IGrainFactory grains, ObjectWriter writer) : IBatchOperationRunner
{
    /// <inheritdoc/>
    public async Task<BatchResult> RunAsync(BatchOperation operation)
    {
        var grain = grains.GetObjectGrain(operation.Id);
        switch (operation.Kind)
        {
            case BatchOperationKind.Get:
                var read = await Failover.RunAsync(static async (g, _) => await g.Get().ConfigureAwait(false), grain, CancellationToken.None).ConfigureAwait(false);
                return read.Kind switch
                {
                    ObjectReadKind.Inline => BatchResult.Found(operation, ObjectContract.ToMetadata(read.Metadata!), read.Payload),
                    ObjectReadKind.LongTerm => BatchResult.FoundLongTerm(operation, ObjectContract.ToMetadata(read.Metadata!), operation.Id.WithKey(read.RevisionKey!)),
                    _ => BatchResult.NotFound(operation),
                };
            case BatchOperationKind.Head:
                var metadata = await Failover.RunAsync(static async (g, _) => await g.Head().ConfigureAwait(false), grain, CancellationToken.None).ConfigureAwait(false);
                return metadata is null ? BatchResult.NotFound(operation) : BatchResult.HeadFound(operation, ObjectContract.ToMetadata(metadata));
            case BatchOperationKind.Insert:
                await writer.PutAsync(operation.Id, operation.Metadata!, operation.Payload, CancellationToken.None).ConfigureAwait(false);
                return BatchResult.Created(operation);
            case BatchOperationKind.Delete:
                await Failover.RunAsync(static async (g, _) => await g.Delete().ConfigureAwait(false), grain, CancellationToken.None).ConfigureAwait(false);
                return BatchResult.Deleted(operation);
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "unknown batch operation kind");
        }
    }
}
