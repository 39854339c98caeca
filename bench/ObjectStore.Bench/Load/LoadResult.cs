namespace ObjectStore.Bench.Load;

/// <summary>Figures of one operation type in one run.</summary>
public sealed record OperationStats
{
    /// <summary>Successful operations.</summary>
    public long Count { get; init; }

    /// <summary>Failed operations.</summary>
    public long Failures { get; init; }

    /// <summary>Payload bytes moved by successful operations.</summary>
    public long Bytes { get; init; }

    /// <summary>Successful operations per second of the phase.</summary>
    public double OpsPerSecond { get; init; }

    /// <summary>Payload bytes per second of the phase.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>Mean object size in bytes.</summary>
    public double SizeAvg { get; init; }

    /// <summary>Median object size in bytes.</summary>
    public long SizeP50 { get; init; }

    /// <summary>90th percentile object size in bytes.</summary>
    public long SizeP90 { get; init; }

    /// <summary>99th percentile object size in bytes.</summary>
    public long SizeP99 { get; init; }

    /// <summary>Mean latency in milliseconds.</summary>
    public double LatencyAvgMs { get; init; }

    /// <summary>Median latency in milliseconds.</summary>
    public double LatencyP50Ms { get; init; }

    /// <summary>90th percentile latency in milliseconds.</summary>
    public double LatencyP90Ms { get; init; }

    /// <summary>99th percentile latency in milliseconds.</summary>
    public double LatencyP99Ms { get; init; }

    /// <summary>Largest latency in milliseconds.</summary>
    public double LatencyMaxMs { get; init; }

    /// <summary>The first failure's text, or null.</summary>
    public string? FirstError { get; init; }
}

/// <summary>The outcome of one <see cref="LoadRunner.RunAsync"/>: the workload, where it ran, and per-operation figures.</summary>
public sealed record LoadResult
{
    /// <summary>The workload run.</summary>
    public required LoadSpec Spec { get; init; }

    /// <summary>The target kind (objectstore, webdav, postgres, s3, fs).</summary>
    public required string TargetKind { get; init; }

    /// <summary>The target URI.</summary>
    public required string TargetUri { get; init; }

    /// <summary>What it ran on.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>When the measured phase started (UTC).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>The length of the measured phase.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Figures keyed "write", "read", "delete", "batch" (present when used) and "cleanup" (not part of the totals).</summary>
    public required IReadOnlyDictionary<string, OperationStats> Operations { get; init; }

    /// <summary>All measured operations together (cleanup excluded).</summary>
    public required OperationStats Total { get; init; }

    /// <summary>The average number of operations actually in flight during the measured phase.</summary>
    public double ConcurrencyAchieved { get; init; }

    /// <summary>Whether any operation failed (cleanup included).</summary>
    public bool Failed => Total.Failures > 0 || Operations.Values.Any(o => o.Failures > 0);
}
