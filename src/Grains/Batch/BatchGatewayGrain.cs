using Orleans.Concurrency;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// A worker of the local batch gateway pool: runs each batch through the silo's <see cref="BatchExecutor"/> with an
/// <see cref="ObjectGrainBatchRunner"/> over this silo's grain factory. Holds no state of its own; permits live in the
/// silo's limiter, batches in its <see cref="BatchSessions"/>.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class BatchGatewayGrain(BatchExecutor executor, BatchSessions sessions, IBatchOperationRunner runner) : Grain, IBatchGatewayGrain
{
    /// <inheritdoc/>
    public async Task Execute(Guid batch, CancellationToken cancellationToken)
    {
        var session = sessions.Get(batch);
        // The call's own token does not fire for a caller that went away (Orleans sends a call's cancellation to the
        // stateless-worker pool, not to the worker running it): the caller's stop reaches the batch through its session.
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Stopped);
        try
        {
            await foreach (var result in executor.ExecuteAsync(session.Input, runner, stopped.Token))
                await session.Output.WriteAsync(result, stopped.Token);
            session.Output.TryComplete();
        }
        catch (Exception e)
        {
            session.Output.TryComplete(e);
            throw;
        }
    }
}
