namespace ObjectStore.Bench.Load;

/// <summary>Runs one workload against one target and measures it.</summary>
public static class LoadRunner
{
    /// <summary>Prefills, runs <paramref name="spec"/> for its duration, cleans up, and returns the figures; progress lines go to <paramref name="progress"/>.</summary>
    public static Task<LoadResult> RunAsync(LoadSpec spec, ILoadTarget target, TextWriter progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(progress);
        Validate(spec, target);
        return spec.Warmup > TimeSpan.Zero ? WarmThenRunAsync(spec, target, progress, ct) : new LoadRun(spec, target, progress).ExecuteAsync(ct);
    }

    // The warm-up keeps a small prefill so read-only workloads have something to read; its figures are discarded.
    private static async Task<LoadResult> WarmThenRunAsync(LoadSpec spec, ILoadTarget target, TextWriter progress, CancellationToken ct)
    {
        var warmup = spec with { Duration = spec.Warmup, Warmup = TimeSpan.Zero, Prefill = Math.Min(spec.Prefill, WarmupPrefill), Cleanup = true };
        var warm = await new LoadRun(warmup, target, TextWriter.Null).ExecuteAsync(ct).ConfigureAwait(false);
        await progress.WriteLineAsync($"[{spec.Name} → {target.Kind}] warm-up: {warm.Total.Count} ops in {spec.Warmup.TotalSeconds:0.#} s, {warm.Total.Failures} failed (not counted)").ConfigureAwait(false);
        return await new LoadRun(spec, target, progress).ExecuteAsync(ct).ConfigureAwait(false);
    }

    private const int WarmupPrefill = 100;

    /// <summary>
    /// The most requests <paramref name="spec"/> has in flight at once — operations (100 in throughput mode) times
    /// multipart parts — which is the concurrency to size a target's connection pool with in <see cref="LoadTargets.CreateAsync"/>.
    /// </summary>
    public static int RequestsInFlight(LoadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var operations = spec.Mode == WorkloadMode.Throughput ? LoadRun.ThroughputInFlight : spec.Concurrency;
        return operations * Math.Max(1, spec.Multipart?.Concurrency ?? 1);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting <paramref name="target"/> cannot run.</summary>
    internal static void Validate(LoadSpec spec, ILoadTarget? target)
    {
        static void Require(bool ok, string name, string problem)
        {
            if (!ok) throw new ArgumentException($"{name}: {problem}", name);
        }

        Require(!string.IsNullOrEmpty(spec.Name), nameof(spec.Name), "the usecase name must not be empty");
        Require(spec.Concurrency >= 1, nameof(spec.Concurrency), $"must be at least 1, got {spec.Concurrency}");
        Require(spec.Organizations >= 1, nameof(spec.Organizations), $"must be at least 1, got {spec.Organizations}");
        Require(spec.Duration > TimeSpan.Zero, nameof(spec.Duration), $"must be positive, got {spec.Duration}");
        Require(spec.Ttl is null || spec.Ttl >= TimeSpan.Zero, nameof(spec.Ttl), "must not be negative");
        Require(spec.BatchSize is >= 1 and <= 1000, nameof(spec.BatchSize), $"must be 1..1000 (the server's per-request limit), got {spec.BatchSize}");
        Require(spec.HotKeys >= 1, nameof(spec.HotKeys), $"must be at least 1, got {spec.HotKeys}");
        Require(spec.Prefill >= 0, nameof(spec.Prefill), $"must not be negative, got {spec.Prefill}");
        Require(spec.Warmup >= TimeSpan.Zero, nameof(spec.Warmup), $"must not be negative, got {spec.Warmup}");
        Require(spec.Actions is { Writes: >= 0, Reads: >= 0, Deletes: >= 0 } && spec.Actions.Writes + spec.Actions.Reads + spec.Actions.Deletes > 0,
            nameof(spec.Actions), "weights must be non-negative and not all zero");
        Require(spec.Actions.Writes > 0 || spec.Prefill > 0, nameof(spec.Actions), "without writes, reads and deletes need a prefill");
        _ = new SizeSampler(spec.Sizes);
        if (spec.Multipart is { } multipart)
        {
            Require(multipart.Concurrency >= 1, nameof(spec.Multipart), $"concurrency must be at least 1, got {multipart.Concurrency}");
            Require(multipart.PartSize >= 1, nameof(spec.Multipart), $"part size must be positive, got {multipart.PartSize}");
        }
        if (spec.Mode == WorkloadMode.Batch && target is not null)
            Require(target.SupportsBatch, nameof(spec.Mode), $"the {target.Kind} target has no batch requests");
    }
}
