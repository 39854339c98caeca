using ObjectStore.Bench.Load;
using ObjectStore.Bench.Suite;

namespace ObjectStore.Bench.Tests.Suite;

/// <summary>Canned suite runs for the pure report pieces.</summary>
internal static class SuiteFixtures
{
    public static readonly MachineInfo Machine = new("Test CPU", 2, 24, ".NET 10", "Linux", true);

    public static SuiteRun Run(string scenario, string system, bool baseline, int concurrency, double bytesPerSecond, double p99Ms,
        long failures = 0, double opsPerSecond = 100) => new()
    {
        Scenario = scenario,
        System = system,
        Baseline = baseline,
        Concurrency = concurrency,
        Result = Result(bytesPerSecond, p99Ms, failures, opsPerSecond),
    };

    public static LoadResult Result(double bytesPerSecond, double p99Ms, long failures = 0, double opsPerSecond = 100)
    {
        var write = new OperationStats
        {
            Count = 1000,
            Failures = failures,
            Bytes = (long)bytesPerSecond * 10,
            OpsPerSecond = opsPerSecond,
            BytesPerSecond = bytesPerSecond,
            LatencyP50Ms = p99Ms / 4,
            LatencyP90Ms = p99Ms / 2,
            LatencyP99Ms = p99Ms,
            LatencyMaxMs = p99Ms * 2,
            FirstError = failures > 0 ? "500 Internal Server Error" : null,
        };
        return new LoadResult
        {
            Spec = new LoadSpec(),
            TargetKind = "objectstore",
            TargetUri = "objectstore:http://127.0.0.1:1",
            Machine = Machine,
            Elapsed = TimeSpan.FromSeconds(10),
            Operations = new Dictionary<string, OperationStats> { ["write"] = write },
            Total = write,
        };
    }

    public static SuiteGroup Group(string name, params SuiteRun[] runs) => new()
    {
        Group = name,
        Description = $"the {name} group",
        Machine = Machine,
        Started = new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero),
        LoadAverage = "1.00 1.00 1.00",
        Runs = runs,
    };
}
