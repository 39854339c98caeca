using System.Diagnostics.Metrics;

namespace ObjectStore.Grains.Batch;

/// <summary>The batch executor's instruments, on the grains' meter "ObjectStore.Grains".</summary>
internal static class BatchMetrics
{
    private static readonly Meter s_meter = new("ObjectStore.Grains");

    /// <summary>The window (permits reserved) of each batch that started.</summary>
    public static readonly Histogram<int> Windows = s_meter.CreateHistogram<int>("objectstore.grains.batch.window", "{permit}", "Permits reserved by each batch");

    /// <summary>Batches refused because no permit was free.</summary>
    public static readonly Counter<long> Rejected = s_meter.CreateCounter<long>("objectstore.grains.batch.rejected", "{batch}", "Batches refused at capacity");

    /// <summary>Operations whose runner threw (each failed alone).</summary>
    public static readonly Counter<long> OperationFailures = s_meter.CreateCounter<long>("objectstore.grains.batch.operation_failures", "{operation}", "Batch operations that failed with an exception");
}
