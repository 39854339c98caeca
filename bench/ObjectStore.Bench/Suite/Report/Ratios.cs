namespace ObjectStore.Bench.Suite.Report;

/// <summary>One result divided by one baseline of the same scenario and concurrency, measured in the same run.</summary>
/// <param name="Scenario">The scenario both ran.</param>
/// <param name="System">The result's system.</param>
/// <param name="Baseline">The baseline's system.</param>
/// <param name="Concurrency">Operations in flight in both.</param>
/// <param name="Throughput">Result payload bytes/s ÷ baseline payload bytes/s when both ran the same workload (same sizes and seeds); operations/s when their read patterns differ (hot set vs cold pool: other objects, other sizes); above 1 is faster.</param>
/// <param name="P99Latency">Result p99 ÷ baseline p99 over all measured operations; below 1 is faster.</param>
internal sealed record Ratio(string Scenario, string System, string Baseline, int Concurrency, double Throughput, double P99Latency);

/// <summary>Pairs results with their baselines.</summary>
internal static class Ratios
{
    /// <summary>
    /// Every (result, baseline) pair that shares a scenario and a concurrency, in run order; runs without figures or with
    /// failures pair with nothing (a run that lost data is not a result), nor does a zero baseline.
    /// </summary>
    public static IReadOnlyList<Ratio> Of(IEnumerable<SuiteRun> runs)
    {
        var valid = runs.Where(r => !r.Failed).ToArray();
        var ratios = new List<Ratio>();
        foreach (var result in valid.Where(r => !r.Baseline))
        {
            foreach (var baseline in valid.Where(b => b.Baseline && b.Scenario == result.Scenario && b.Concurrency == result.Concurrency))
            {
                var r = result.Result!.Total;
                var b = baseline.Result!.Total;
                // Same workload: bytes/s, which few large objects of random sizes need. A hot set and a cold pool are other
                // objects of other sizes, so there only operations/s compares like with like.
                var sameObjects = result.Result.Spec.Reads == baseline.Result.Spec.Reads;
                var (rate, baseRate) = sameObjects ? (r.BytesPerSecond, b.BytesPerSecond) : (r.OpsPerSecond, b.OpsPerSecond);
                if (baseRate <= 0) continue;
                ratios.Add(new Ratio(result.Scenario, result.System, baseline.System, result.Concurrency,
                    rate / baseRate,
                    b.LatencyP99Ms > 0 ? r.LatencyP99Ms / b.LatencyP99Ms : double.NaN));
            }
        }
        return ratios;
    }
}
