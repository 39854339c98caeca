using ObjectStore.Bench.Measuring;

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
            var name = Name(scenario);
            log.WriteLine($"[{name}] starting ({options.Workers} workers, load average {MachineInfo.LoadAverage()})");
            await using var rig = await PingRig.StartAsync(scenario, options.Workers, cancellationToken);
            var generator = new ConcurrentLoadGenerator(rig.Grains, options.BlockSize);
            if (options.WarmupBlocks > 0)
            {
                var warm = await generator.RunAsync(options.WarmupBlocks, options.DurationCap / 4, cancellationToken);
                log.WriteLine($"[{name}] warm-up: {warm.Completed:N0} calls, {warm.Failed:N0} failed, {warm.CallsPerSecond:N0} calls/s (discarded)");
            }
            for (var run = 1; run <= options.Runs && !cancellationToken.IsCancellationRequested; run++)
            {
                var result = await MeasureAsync(generator, name, run, options.BlocksFor(scenario), options, cancellationToken);
                log.WriteLine($"[{name} #{run}] {result.Phase.Completed:N0} calls in {result.Phase.ElapsedSeconds:F2} s: {result.Phase.CallsPerSecond:N0} calls/s, {result.Phase.Failed:N0} failed{(result.Phase.Capped ? " (duration cap reached)" : "")}");
                results.Add(result);
            }
        }
        return results;
    }

    private static async Task<PingResult> MeasureAsync(ConcurrentLoadGenerator generator, string name, int run, int blocks, PingOptions options, CancellationToken cancellationToken)
    {
        var load = MachineInfo.LoadAverage();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var phase = await generator.RunAsync(blocks, options.DurationCap, cancellationToken);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new PingResult(
            name, run, options.Workers, options.BlockSize, blocks, phase,
            phase.Completed > 0 ? allocated / (double)phase.Completed : 0,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, load);
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
    int Run,
    int Workers,
    int BlockSize,
    int BlocksPerWorker,
    LoadPhase Phase,
    double AllocatedBytesPerCall,
    int Gen0Collections,
    int Gen2Collections,
    string LoadAverageBefore)
{
    public double P50Microseconds => LatencyHistogram.ToMicroseconds(Phase.Latency.ValueAt(50));
    public double P90Microseconds => LatencyHistogram.ToMicroseconds(Phase.Latency.ValueAt(90));
    public double P99Microseconds => LatencyHistogram.ToMicroseconds(Phase.Latency.ValueAt(99));
    public double MaxMicroseconds => LatencyHistogram.ToMicroseconds(Phase.Latency.Max);
}
