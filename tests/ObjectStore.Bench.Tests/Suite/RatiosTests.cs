using ObjectStore.Bench.Load;
using ObjectStore.Bench.Suite.Report;
using static ObjectStore.Bench.Tests.Suite.SuiteFixtures;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class RatiosTests
{
    [Fact]
    public void A_result_is_divided_by_every_baseline_of_its_scenario_and_concurrency()
    {
        var ratios = Ratios.Of([
            Run("small", "embedded", false, 16, bytesPerSecond: 3000, p99Ms: 5),
            Run("small", "nginx", true, 16, bytesPerSecond: 1000, p99Ms: 10),
            Run("small", "postgres", true, 16, bytesPerSecond: 6000, p99Ms: 2),
        ]);

        Assert.Equal(2, ratios.Count);
        var nginx = Assert.Single(ratios, r => r.Baseline == "nginx");
        Assert.Equal(3.0, nginx.Throughput, 6);
        Assert.Equal(0.5, nginx.P99Latency, 6);
        var postgres = Assert.Single(ratios, r => r.Baseline == "postgres");
        Assert.Equal(0.5, postgres.Throughput, 6);
        Assert.Equal(2.5, postgres.P99Latency, 6);
    }

    [Fact]
    public void Hot_reads_are_compared_with_cold_reads_per_operation_because_they_read_objects_of_other_sizes()
    {
        // Hot reads hit 16 early objects, cold reads a pool of other sizes: bytes/s would call the faster one slower.
        var hot = Run("hot-cold", "hot", false, 16, bytesPerSecond: 1000, p99Ms: 1, opsPerSecond: 200);
        var ratio = Assert.Single(Ratios.Of([
            hot with { Result = hot.Result! with { Spec = new LoadSpec { Reads = ReadPattern.Hot } } },
            Run("hot-cold", "cold", true, 16, bytesPerSecond: 2000, p99Ms: 1, opsPerSecond: 100),
        ]));

        Assert.Equal(2.0, ratio.Throughput, 6);
    }

    [Fact]
    public void Runs_of_the_same_workload_are_compared_by_payload_bytes()
    {
        var ratio = Assert.Single(Ratios.Of([
            Run("large", "embedded", false, 2, bytesPerSecond: 3000, p99Ms: 1, opsPerSecond: 1),
            Run("large", "fs", true, 2, bytesPerSecond: 1000, p99Ms: 1, opsPerSecond: 2),
        ]));

        Assert.Equal(3.0, ratio.Throughput, 6);
    }

    [Fact]
    public void Runs_of_another_scenario_or_concurrency_are_not_paired()
    {
        var ratios = Ratios.Of([
            Run("sweep c=1", "embedded", false, 1, 100, 1),
            Run("sweep c=4", "nginx", true, 4, 100, 1),
            Run("medium", "nginx", true, 1, 100, 1),
        ]);

        Assert.Empty(ratios);
    }

    [Fact]
    public void A_run_that_lost_operations_pairs_with_nothing()
    {
        var ratios = Ratios.Of([
            Run("small", "embedded", false, 16, 3000, 5, failures: 1),
            Run("small", "nginx", true, 16, 1000, 10),
            Run("small", "1-silo", false, 16, 2000, 5),
            Run("small", "postgres", true, 16, 1000, 10, failures: 2),
        ]);

        var only = Assert.Single(ratios);
        Assert.Equal(("1-silo", "nginx"), (only.System, only.Baseline));
    }

    [Fact]
    public void A_run_without_figures_pairs_with_nothing()
    {
        var ratios = Ratios.Of([
            Run("small", "embedded", false, 16, 3000, 5),
            new ObjectStore.Bench.Suite.SuiteRun { Scenario = "small", System = "nginx", Baseline = true, Concurrency = 16, Error = "nginx did not start" },
        ]);

        Assert.Empty(ratios);
    }
}
