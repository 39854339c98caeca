using ObjectStore.Bench.Suite.Report;
using static ObjectStore.Bench.Tests.Suite.SuiteFixtures;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class ChartsTests
{
    [Fact]
    public void Each_system_gets_a_data_file_in_rising_concurrency_without_failed_runs()
    {
        var sweep = Group("sweep",
            Run("sweep c=16", "3-silo PG+S3", false, 16, 1, p99Ms: 9.5, opsPerSecond: 800),
            Run("sweep c=1", "3-silo PG+S3", false, 1, 1, p99Ms: 1.25, opsPerSecond: 200),
            Run("sweep c=4", "3-silo PG+S3", false, 4, 1, p99Ms: 3, opsPerSecond: 500, failures: 1),
            Run("sweep c=1", "nginx", true, 1, 1, p99Ms: 0.5, opsPerSecond: 3000));

        var files = Charts.DataFiles(sweep);

        Assert.Equal(["3-silo", "nginx"], files.Keys);
        Assert.Equal("# concurrency ops_per_second p99_ms\n1 200.0 1.250\n16 800.0 9.500\n", files["3-silo"].ReplaceLineEndings("\n"));
    }
}
