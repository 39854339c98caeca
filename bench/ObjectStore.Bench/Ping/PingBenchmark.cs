namespace ObjectStore.Bench.Ping;

/// <summary>
/// Runs the ping scenarios one after another. Per scenario:
/// 1. Start the rig (silos, client) and resolve one grain per worker.
/// 2. Warm up: <see cref="PingOptions.WarmupBlocks"/> blocks per worker (a quarter of the cap at most), discarded;
///    this also activates every grain, so activation cost stays out of the figures.
/// 3. Force a full GC, read the process-wide allocation counter and GC counts.
/// 4. Measure: <see cref="PingOptions.Blocks"/> blocks per worker, capped at <see cref="PingOptions.DurationCap"/>.
/// 5. Allocated bytes per call = process-wide allocation delta ÷ completed calls: it covers both ends of a call
///    (caller, transport, silo) because all of them run in this process.
/// </summary>
internal static class PingBenchmark
{
    /// <summary>Runs <paramref name="options"/>' scenarios, writing progress to <paramref name="log"/>.</summary>
    public static async Task<IReadOnlyList<PingResult>> RunAsync(PingOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var results = new List<PingResult>();
        foreach (var scenario in options.Scenarios)
        {
            var load = MachineInfo.LoadAverage();
            log.WriteLine($"[{Name(scenario)}] starting ({options.Workers} workers, load average {load})");
            await using var rig = await PingRig.StartAsync(scenario, options.Workers, cancellationToken);
            var generator = new ConcurrentLoadGenerator(rig.Grains, options.BlockSize);
            if (options.WarmupBlocks > 0)
            {
                var warm = await generator.RunAsync(options.WarmupBlocks, options.DurationCap / 4, cancellationToken);
                log.WriteLine($"[{Name(scenario)}] warm-up: {warm.Completed:N0} calls, {warm.Failed:N0} failed, {warm.CallsPerSecond:N0} calls/s (discarded)");
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var run = await generator.RunAsync(options.Blocks, options.DurationCap, cancellationToken);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var result = new PingResult(
                Name(scenario), options.Workers, options.BlockSize, run,
                run.Completed > 0 ? allocated / (double)run.Completed : 0,
                GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, load);
            log.WriteLine($"[{Name(scenario)}] {run.Completed:N0} calls in {run.ElapsedSeconds:F2} s: {run.CallsPerSecond:N0} calls/s, {run.Failed:N0} failed{(run.Capped ? " (duration cap reached)" : "")}");
            results.Add(result);
            if (cancellationToken.IsCancellationRequested) break;
        }
        return results;
    }

    /// <summary>The scenario's command-line name.</summary>
    public static string Name(PingScenario scenario) => scenario switch
    {
        PingScenario.Local => "local",
        PingScenario.CrossSilo => "cross-silo",
        PingScenario.Client => "client",
        _ => scenario.ToString(),
    };
}

/// <summary>The figures of one scenario.</summary>
internal sealed record PingResult(
    string Scenario,
    int Workers,
    int BlockSize,
    LoadPhase Run,
    double AllocatedBytesPerCall,
    int Gen0Collections,
    int Gen2Collections,
    string LoadAverageBefore)
{
    public double P50Microseconds => LatencyHistogram.ToMicroseconds(Run.Latency.ValueAt(50));
    public double P90Microseconds => LatencyHistogram.ToMicroseconds(Run.Latency.ValueAt(90));
    public double P99Microseconds => LatencyHistogram.ToMicroseconds(Run.Latency.ValueAt(99));
    public double MaxMicroseconds => LatencyHistogram.ToMicroseconds(Run.Latency.Max);
}
