namespace ObjectStore.Bench.Load;

/// <summary>How operations are issued (objectstore-api.md §14.1).</summary>
public enum WorkloadMode
{
    /// <summary><c>Concurrency</c> operations always in flight, each action drawn by <see cref="LoadSpec.Actions"/> weights.</summary>
    Weighted,

    /// <summary>Up to 100 in flight, paced so that <see cref="LoadSpec.Actions"/> are per-second rates.</summary>
    Throughput,

    /// <summary><c>Concurrency</c> batch requests in flight, each carrying <see cref="LoadSpec.BatchSize"/> inserts.</summary>
    Batch,
}

/// <summary>Which stored object a read picks.</summary>
public enum ReadPattern
{
    /// <summary>Zipf(n, s = 2) rank counted from the newest write.</summary>
    Zipf,

    /// <summary>One of the first <see cref="LoadSpec.HotKeys"/> objects written, so a cache can serve it.</summary>
    Hot,
}

/// <summary>Object sizes: log-normal through <paramref name="P50"/> and <paramref name="P99"/> bytes, clamped to <paramref name="Max"/>.</summary>
public sealed record SizeDistribution(long P50, long P99, long? Max);

/// <summary>Relative weights (weighted mode) or per-second rates (throughput mode) of each action; batch mode uses writes only.</summary>
public sealed record ActionWeights(int Writes, int Reads, int Deletes);

/// <summary>Multipart uploads for objects larger than <paramref name="PartSize"/>, <paramref name="Concurrency"/> parts in flight.</summary>
public sealed record MultipartSpec(int Concurrency, long PartSize);

/// <summary>One workload (objectstore's stresstest model, §14.1) with its defaults.</summary>
public sealed record LoadSpec
{
    /// <summary>The usecase written to.</summary>
    public string Name { get; init; } = "bench";

    /// <summary>How operations are issued.</summary>
    public WorkloadMode Mode { get; init; } = WorkloadMode.Weighted;

    /// <summary>Operations (or batch requests) in flight; defaults to the CPU count.</summary>
    public int Concurrency { get; init; } = Environment.ProcessorCount;

    /// <summary>Scopes are <c>org=&lt;id&gt;;project=&lt;id&gt;</c> with id = random % this.</summary>
    public int Organizations { get; init; } = 1;

    /// <summary>Object sizes (default the nodestore workload: 5 KiB / 20 KiB).</summary>
    public SizeDistribution Sizes { get; init; } = new(5 * 1024, 20 * 1024, null);

    /// <summary>Action weights or rates (default 97/2/1).</summary>
    public ActionWeights Actions { get; init; } = new(97, 2, 1);

    /// <summary>Multipart uploads for large objects, or null for single requests.</summary>
    public MultipartSpec? Multipart { get; init; }

    /// <summary>How long the measured phase runs.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to live of written objects; null = manual expiration.</summary>
    public TimeSpan? Ttl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Inserts per batch request in <see cref="WorkloadMode.Batch"/> mode (at most 1000).</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Which object a read picks.</summary>
    public ReadPattern Reads { get; init; } = ReadPattern.Zipf;

    /// <summary>The size of the hot set for <see cref="ReadPattern.Hot"/>.</summary>
    public int HotKeys { get; init; } = 16;

    /// <summary>
    /// An untimed run of the same workload before the measured one (its objects cleaned up), so the figures describe a
    /// warm system — JIT tiering done, connection pools open — not a process's first seconds. Zero skips it.
    /// </summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>Objects written before the clock starts (not measured) so reads have a pool.</summary>
    public int Prefill { get; init; }

    /// <summary>Delete everything still in the pool at the end (reported as "cleanup").</summary>
    public bool Cleanup { get; init; } = true;

    /// <summary>Seed of every random choice and payload; the same seed gives the same sizes and bytes.</summary>
    public ulong Seed { get; init; } = 1;
}
