using System.Threading.Channels;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// A worker of the local batch gateway pool: runs each batch through the silo's <see cref="BatchExecutor"/> with
/// the runner <paramref name="runners"/> makes over this silo's grain factory (in production an
/// <see cref="ObjectGrainBatchRunner"/>). Holds no state of its own; permits live in the silo's limiter.
/// </summary>
[StatelessWorker]
public sealed class BatchGatewayGrain(BatchExecutor executor, Func<IGrainFactory, IBatchOperationRunner> runners) : Grain, IBatchGatewayGrain
{
    private IBatchOperationRunner? _runner;

    /// <inheritdoc/>
    public async Task Execute(IAsyncEnumerable<BatchItem> input, ChannelWriter<BatchResult> output, CancellationToken cancellationToken)
    {
        _runner ??= runners(GrainFactory);
        try
        {
            await foreach (var result in executor.ExecuteAsync(input, _runner, cancellationToken))
                await output.WriteAsync(result, cancellationToken);
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
    }
}
