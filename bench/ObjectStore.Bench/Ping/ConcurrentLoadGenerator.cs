using System.Diagnostics;
using ObjectStore.Bench.Measuring;

namespace ObjectStore.Bench.Ping;

/// <summary>
/// Orleans' ConcurrentLoadGenerator, reduced to what the ping benchmark needs. Each worker owns one grain and
/// issues calls strictly one after another (awaiting each), grouped in blocks. A phase:
/// 1. Every worker starts at once behind a gate and runs up to <c>blocks</c> blocks of <c>blockSize</c> calls.
/// 2. Each call's latency goes into the worker's own histogram; a failed call is counted, never retried.
/// 3. Past the deadline (or on cancellation) a worker stops after its current call; the partial block still counts, up to its end.
/// 4. Throughput = completed calls ÷ (latest block end − earliest block start) over all workers.
/// </summary>
internal sealed class ConcurrentLoadGenerator(IReadOnlyList<IBenchPingGrain> grains, int blockSize)
{
    /// <summary>Runs one phase of up to <paramref name="blocks"/> blocks per worker, stopping at <paramref name="cap"/>.</summary>
    public async Task<LoadPhase> RunAsync(int blocks, TimeSpan cap, CancellationToken cancellationToken)
    {
        var workers = new WorkerStats[grains.Count];
        for (var w = 0; w < workers.Length; w++) workers[w] = new WorkerStats();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = Stopwatch.GetTimestamp() + (long)(cap.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[workers.Length];
        for (var w = 0; w < workers.Length; w++)
        {
            var grain = grains[w];
            var stats = workers[w];
            tasks[w] = Task.Run(async () =>
            {
                await gate.Task.ConfigureAwait(false);
                await RunWorkerAsync(grain, blocks, blockSize, deadline, stats, cancellationToken).ConfigureAwait(false);
            });
        }
        gate.SetResult();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return LoadPhase.Merge(workers);
    }

    private static async Task RunWorkerAsync(IBenchPingGrain grain, int blocks, int blockSize, long deadline, WorkerStats stats, CancellationToken cancellationToken)
    {
        for (var b = 0; b < blocks; b++)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= deadline || cancellationToken.IsCancellationRequested)
            {
                stats.Capped = true;
                return;
            }
            if (b == 0) stats.FirstStart = start;
            var now = start;
            for (var i = 0; i < blockSize; i++)
            {
                var sent = now;
                try
                {
                    await grain.Ping().ConfigureAwait(false);
                    now = Stopwatch.GetTimestamp();
                    stats.Latency.Record(now - sent);
                    stats.Completed++;
                }
                catch (Exception)
                {
                    now = Stopwatch.GetTimestamp();
                    stats.Failed++;
                }
                if (now >= deadline || cancellationToken.IsCancellationRequested)
                {
                    stats.Capped = true;
                    break;
                }
            }
            stats.LastEnd = now;
            stats.Blocks++;
        }
    }

    /// <summary>One worker's counters; written by that worker only.</summary>
    internal sealed class WorkerStats
    {
        public readonly LatencyHistogram Latency = new();
        public long FirstStart = long.MaxValue;
        public long LastEnd = long.MinValue;
        public long Completed;
        public long Failed;
        public int Blocks;
        public bool Capped;
    }
}

/// <summary>The merged outcome of one load phase.</summary>
internal sealed record LoadPhase(long Completed, long Failed, int Blocks, double ElapsedSeconds, bool Capped, LatencyHistogram Latency)
{
    /// <summary>Completed calls per second of the phase (Orleans' definition).</summary>
    public double CallsPerSecond => ElapsedSeconds > 0 ? Completed / ElapsedSeconds : 0;

    internal static LoadPhase Merge(IReadOnlyList<ConcurrentLoadGenerator.WorkerStats> workers)
    {
        var latency = new LatencyHistogram();
        long completed = 0, failed = 0, first = long.MaxValue, last = long.MinValue;
        var blocks = 0;
        var capped = false;
        foreach (var w in workers)
        {
            latency.Add(w.Latency);
            completed += w.Completed;
            failed += w.Failed;
            blocks += w.Blocks;
            capped |= w.Capped;
            if (w.Blocks == 0) continue;
            first = Math.Min(first, w.FirstStart);
            last = Math.Max(last, w.LastEnd);
        }
        var elapsed = last > first ? (last - first) / (double)Stopwatch.Frequency : 0;
        return new LoadPhase(completed, failed, blocks, elapsed, capped, latency);
    }
}
