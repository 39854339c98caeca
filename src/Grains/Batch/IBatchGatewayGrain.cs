using System.Threading.Channels;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// The batch gateway: a stateless-worker pool on every silo (so always called locally) that runs one batch per call
/// through the <see cref="BatchExecutor"/> against ObjectGrains. Because it never leaves the calling silo its
/// arguments are live objects — the lazily parsed input and the channel results go to — and are never serialized;
/// a call from another process (a cluster client) fails with <see cref="NotSupportedException"/>. Call it through
/// <see cref="BatchGateway.RunAsync"/>.
/// </summary>
[GrainType("batch-gateway")]
public interface IBatchGatewayGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs one batch: pulls <paramref name="input"/> lazily, writes each result to <paramref name="output"/> in
    /// completion order, then completes it — with the batch's error when it failed as a whole (<c>AtCapacityException</c>
    /// before any input was read). Cancelling stops pulling input; started operations still finish. Read-only: a worker
    /// runs many batches at once (it holds no state), so the pool's size never limits concurrent batches.
    /// </summary>
    [ReadOnly]
    Task Execute(IAsyncEnumerable<BatchItem> input, ChannelWriter<BatchResult> output, CancellationToken cancellationToken = default);
}
