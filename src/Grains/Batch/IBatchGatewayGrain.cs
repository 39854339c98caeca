using Orleans.Concurrency;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// The batch gateway: a stateless-worker pool on every silo (so always called locally) that runs one batch per call
/// through the <see cref="BatchExecutor"/> against ObjectGrains. The batch itself stays in the silo's
/// <see cref="BatchSessions"/>; the call names it by id. Call it through <see cref="BatchGateway.RunAsync"/>.
/// </summary>
[Alias("objectstore.IBatchGatewayGrain")]
public interface IBatchGatewayGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs the batch registered under <paramref name="batch"/>: pulls its input lazily, writes each result to its output
    /// in completion order, then completes the output — with the batch's error when it failed as a whole
    /// (<c>AtCapacityException</c> before any input was read). Cancelling stops pulling input; started operations still
    /// finish. Interleaving: a worker runs many batches at once (it holds no state), so the pool's size never limits
    /// concurrent batches.
    /// </summary>
    [Alias("Execute"), AlwaysInterleave]
    Task Execute(Guid batch, CancellationToken cancellationToken = default);
}
