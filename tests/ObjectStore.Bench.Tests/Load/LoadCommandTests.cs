using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Tests.Load;

public sealed class LoadCommandTests
{
    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var error = new StringWriter();
        var code = await LoadCommand.RunAsync(args, TextWriter.Null, error, CancellationToken.None);
        return (code, error.ToString());
    }

    [Theory]
    [InlineData("--p50", "5XB", "--p50")]
    [InlineData("--mode", "fast", "--mode")]
    [InlineData("--concurrency", "0", "--concurrency")]
    [InlineData("--batch-size", "2000", "--batch-size")]
    [InlineData("--duration", "soon", "--duration")]
    [InlineData("--reads-pattern", "cold", "--reads-pattern")]
    [InlineData("--bogus", "1", "--bogus")]
    public async Task A_bad_flag_exits_2_naming_the_flag(string flag, string value, string named)
    {
        var (code, error) = await RunAsync("--target", "fs:/tmp/unused", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(named, error.Split('\n')[0]);
    }

    [Fact]
    public async Task A_missing_target_exits_2()
    {
        var (code, error) = await RunAsync("--duration", "1s");
        Assert.Equal(2, code);
        Assert.Contains("--target", error.Split('\n')[0]);
    }

    [Fact]
    public async Task An_unknown_target_scheme_exits_2()
    {
        var (code, error) = await RunAsync("--target", "ftp:somewhere", "--duration", "1s");
        Assert.Equal(2, code);
        Assert.Contains("ftp:somewhere", error);
    }

    [Fact]
    public async Task A_p99_below_p50_exits_2()
    {
        var (code, error) = await RunAsync("--target", "fs:/tmp/unused", "--p50", "20KiB", "--p99", "5KiB");
        Assert.Equal(2, code);
        Assert.Contains("p99", error);
    }

    [Fact]
    public void Flags_set_every_workload_field()
    {
        var options = LoadOptions.Parse([
            "--target", "objectstore:http://a,http://b", "--name", "nodestore", "--mode", "throughput", "--concurrency", "32",
            "--organizations", "1000", "--p50", "15KiB", "--p99", "100KiB", "--max", "1MiB", "--writes", "10", "--reads", "3", "--deletes", "0",
            "--duration", "1m", "--batch-size", "500", "--multipart-part-size", "5MiB", "--multipart-concurrency", "2",
            "--reads-pattern", "hot", "--hot-keys", "8", "--prefill", "100", "--ttl", "never", "--no-cleanup", "--seed", "9", "--json", "out.json"]);

        Assert.Equal("objectstore:http://a,http://b", options.Target);
        Assert.Equal("out.json", options.JsonPath);
        Assert.Equal(new LoadSpec
        {
            Name = "nodestore", Mode = WorkloadMode.Throughput, Concurrency = 32, Organizations = 1000,
            Sizes = new SizeDistribution(15 * 1024, 100 * 1024, 1024 * 1024), Actions = new ActionWeights(10, 3, 0),
            Duration = TimeSpan.FromMinutes(1), BatchSize = 500, Multipart = new MultipartSpec(2, 5 * 1024 * 1024),
            Reads = ReadPattern.Hot, HotKeys = 8, Prefill = 100, Ttl = null, Cleanup = false, Seed = 9,
        }, options.Spec);
    }

    [Fact]
    public void A_yaml_workload_file_sets_the_stresstest_keys_and_flags_override_it()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                # the large-uploads workload of objectstore's example.yaml
                name: large-uploads
                mode: weighted
                concurrency: 4
                organizations: 100
                file_sizes:
                  p50: 20 MiB
                  p99: "100MiB"
                actions:
                  writes: 1
                  reads: 0
                  deletes: 0
                multipart:
                  concurrency: 4
                  part_size: 10MiB   # parts
                duration: 5s
                ttl: 2h
                """);
            var spec = LoadOptions.Parse(["--target", "fs:/tmp/x", "--workload", path, "--concurrency", "2"]).Spec;

            Assert.Equal("large-uploads", spec.Name);
            Assert.Equal(2, spec.Concurrency);
            Assert.Equal(100, spec.Organizations);
            Assert.Equal(new SizeDistribution(20L << 20, 100L << 20, null), spec.Sizes);
            Assert.Equal(new ActionWeights(1, 0, 0), spec.Actions);
            Assert.Equal(new MultipartSpec(4, 10L << 20), spec.Multipart);
            Assert.Equal(TimeSpan.FromSeconds(5), spec.Duration);
            Assert.Equal(TimeSpan.FromHours(2), spec.Ttl);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_json_workload_file_works_and_an_unknown_key_is_named()
    {
        var path = Path.GetTempFileName() + ".json";
        try
        {
            File.WriteAllText(path, """{"name":"snapshots","mode":"batch","file_sizes":{"p50":"200KiB","p99":"1MiB","max":"1MiB"},"batch_size":20}""");
            var spec = LoadOptions.Parse(["--target", "fs:/tmp/x", "--workload", path]).Spec;
            Assert.Equal(WorkloadMode.Batch, spec.Mode);
            Assert.Equal(new SizeDistribution(200 * 1024, 1024 * 1024, 1024 * 1024), spec.Sizes);
            Assert.Equal(20, spec.BatchSize);

            File.WriteAllText(path, """{"name":"x","file_size":{"p50":"1KiB"}}""");
            var e = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--target", "fs:/tmp/x", "--workload", path]));
            Assert.Contains("file_size.p50", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("attachments", WorkloadMode.Throughput, 50 * 1024)]
    [InlineData("profiling", WorkloadMode.Weighted, 15 * 1024)]
    [InlineData("replays", WorkloadMode.Weighted, 25 * 1024)]
    [InlineData("nodestore", WorkloadMode.Weighted, 5 * 1024)]
    [InlineData("snapshots", WorkloadMode.Batch, 200 * 1024)]
    [InlineData("large-uploads", WorkloadMode.Weighted, 20 * 1024 * 1024)]
    public void The_shipped_example_workloads_parse(string name, WorkloadMode mode, long p50)
    {
        var root = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(root, "bench"))) root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("no repository root above the tests");
        var spec = LoadOptions.Parse(["--target", "fs:/tmp/x", "--workload", Path.Combine(root, "bench", "ObjectStore.Bench", "Load", "Workloads", name + ".yaml")]).Spec;

        Assert.Equal(name, spec.Name);
        Assert.Equal(mode, spec.Mode);
        Assert.Equal(p50, spec.Sizes.P50);
    }

    [Fact]
    public void Requests_in_flight_count_operations_times_parts()
    {
        Assert.Equal(8, LoadRunner.RequestsInFlight(new LoadSpec { Concurrency = 8 }));
        Assert.Equal(16, LoadRunner.RequestsInFlight(new LoadSpec { Concurrency = 4, Multipart = new MultipartSpec(4, 10 << 20) }));
        Assert.Equal(100, LoadRunner.RequestsInFlight(new LoadSpec { Concurrency = 4, Mode = WorkloadMode.Throughput }));
    }

    [Theory]
    [InlineData("1000", 1000)]
    [InlineData("5KiB", 5120)]
    [InlineData("20 MiB", 20 * 1024 * 1024)]
    [InlineData("1KB", 1000)]
    [InlineData("1.5KiB", 1536)]
    public void Sizes_parse_with_binary_and_decimal_units(string text, long bytes) => Assert.Equal(bytes, Units.ParseSize(text));

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h 30m", 5_400_000)]
    [InlineData("2", 2_000)]
    public void Durations_parse_with_units(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Units.ParseDuration(text));

    [Fact]
    public async Task Results_round_trip_through_json()
    {
        var result = new LoadResult
        {
            Spec = new LoadSpec { Name = "n", Mode = WorkloadMode.Batch, Multipart = new MultipartSpec(2, 100), Ttl = null },
            TargetKind = "fs",
            TargetUri = "fs:/x",
            Machine = new MachineInfo("cpu", 2, 1.5, ".NET", "linux", true),
            Started = new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero),
            Elapsed = TimeSpan.FromSeconds(2.5),
            Operations = new Dictionary<string, OperationStats> { ["write"] = new() { Count = 3, Failures = 1, FirstError = "boom", LatencyP99Ms = 1.25 } },
            Total = new OperationStats { Count = 3, Failures = 1 },
            ConcurrencyAchieved = 1.75,
        };
        var path = Path.GetTempFileName();
        try
        {
            await LoadReport.WriteJsonAsync(path, [result], CancellationToken.None);
            var back = Assert.Single(await LoadReport.ReadJsonAsync(path, CancellationToken.None));

            Assert.Equal(result.Spec, back.Spec);
            Assert.Equal(result.Machine, back.Machine);
            Assert.Equal(result.Started, back.Started);
            Assert.Equal(result.Elapsed, back.Elapsed);
            Assert.Equal(result.Operations["write"], back.Operations["write"]);
            Assert.Equal(1.75, back.ConcurrencyAchieved);
            Assert.Contains("\"mode\": \"Batch\"", await File.ReadAllTextAsync(path));
            Assert.Contains("| n | fs | batch |", LoadReport.Markdown([back]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
