using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Grains.Batch;

/// <summary>Wires the batch gateway pool into a silo (next to <c>AddObjectStoreGrains</c>).</summary>
public static class BatchGatewayHosting
{
    /// <summary>
    /// Registers the pool with the silo's <paramref name="executor"/> (over the silo's one limiter), running operations
    /// on ObjectGrains; inserts above <paramref name="inlineThreshold"/> go to <paramref name="longTerm"/> as large writes.
    /// </summary>
    public static SiloBuilder AddBatchGateway(this SiloBuilder siloBuilder, BatchExecutor executor, ILongTermStore longTerm, int inlineThreshold)
    {
        ArgumentNullException.ThrowIfNull(longTerm);
        return siloBuilder.AddBatchGateway(executor, grains => new ObjectGrainBatchRunner(grains, longTerm, inlineThreshold));
    }

    /// <summary>Registers the pool with the silo's <paramref name="executor"/> and a runner made over the silo's grain factory.</summary>
    public static SiloBuilder AddBatchGateway(this SiloBuilder siloBuilder, BatchExecutor executor, Func<IGrainFactory, IBatchOperationRunner> runners)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(runners);
        return siloBuilder.AddGrain<IBatchGatewayGrain, BatchGatewayGrain>(BatchGatewayGrainInterface.Instance, () => new BatchGatewayGrain(executor, runners));
    }
}
