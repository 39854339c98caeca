using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Suite;

/// <summary>One run to make: a scenario, a system, whether it is a baseline, and the workload.</summary>
internal sealed record PlannedRun(string Scenario, string System, string TargetSystem, bool Baseline, LoadSpec Spec);

/// <summary>A scenario group to run and write as one JSON file.</summary>
internal sealed record PlannedGroup(string Name, string Description, IReadOnlyList<PlannedRun> Runs);

/// <summary>
/// The load scenarios of issue #6: the same seeds and concurrency for a result and its baseline, every baseline
/// measured in the same run. Pure: the plan only, so it can be read (and tested) without servers.
/// </summary>
internal static class LoadScenarios
{
    private const long KiB = 1024, MiB = 1024 * KiB;

    /// <summary>The product topologies the small and medium scenarios measure.</summary>
    public static readonly IReadOnlyList<string> ProductSystems = [Systems.Embedded, Systems.OneSilo, Systems.ThreeSilo];

    /// <summary>The small-object ceilings.</summary>
    public static readonly IReadOnlyList<string> SmallBaselines = [Systems.Nginx, Systems.Postgres, Systems.Sqlite];

    /// <summary>The concurrency levels of the sweep.</summary>
    public static IReadOnlyList<int> SweepLevels(bool quick) => quick ? [1, 16] : [1, 4, 16, 64];

    /// <summary>The plan of <paramref name="group"/> (not "memory").</summary>
    public static PlannedGroup Plan(string group, SuiteOptions options)
    {
        var spec = new LoadSpec { Duration = options.Duration, Warmup = options.Warmup, Seed = 1, Concurrency = 16 };
        var smallSizes = new SizeDistribution(5 * KiB, 20 * KiB, null);
        var poolSize = options.Quick ? 200 : 2000;
        return group switch
        {
            "small" => new PlannedGroup(group, "small objects (p50 5 KiB, p99 20 KiB), 16 in flight: writes 97/2/1 and a read-heavy 10/89/1 mix",
            [
                .. Against("small 97/2/1", spec with { Name = "small", Sizes = smallSizes }),
                .. Against("small 10/89/1", spec with { Name = "smallread", Sizes = smallSizes, Actions = new(10, 89, 1), Prefill = poolSize / 4 }),
            ]),
            "durable" => new PlannedGroup(group, "small objects 97/2/1, 16 and 1 in flight, on a PostgreSQL server that commits durably (fsync, synchronous_commit and full_page_writes on): group commit vs one upsert per request",
            [
                .. Pair("durable 97/2/1 c=16", Systems.OneSiloDurable, Systems.PostgresDurable, spec with { Name = "durable", Sizes = smallSizes }),
                .. Pair("durable 97/2/1 c=1", Systems.OneSiloDurable, Systems.PostgresDurable, spec with { Name = "durable", Sizes = smallSizes, Concurrency = 1 }),
            ]),
            "medium" => new PlannedGroup(group, "medium objects (p50 15 KiB, p99 100 KiB), 16 in flight, 97/2/1",
                [.. Against("medium 97/2/1", spec with { Name = "medium", Sizes = new(15 * KiB, 100 * KiB, null) })]),
            "batch" => new PlannedGroup(group, "1000 small inserts per batch request vs the same inserts as single requests, 4 in flight each",
            [
                .. BatchVsSingle(Systems.Embedded, spec with { Name = "batch", Sizes = smallSizes, Concurrency = 4 }),
                .. BatchVsSingle(Systems.ThreeSilo, spec with { Name = "batch", Sizes = smallSizes, Concurrency = 4 }),
            ]),
            "large" => new PlannedGroup(group, "large objects (p50 20 MiB, p99 100 MiB, max 100 MiB) in 10 MiB multipart parts, 2 in flight, writes 3 : reads 1",
            [
                .. Pair("large embedded", Systems.Embedded, Systems.Filesystem, LargeSpec(spec)),
                .. Pair("large 3-silo", Systems.ThreeSilo, Systems.S3, LargeSpec(spec)),
            ]),
            "hot-cold" => new PlannedGroup(group, $"read-only, 16 in flight: 16 hot keys (grain cache) vs Zipf over a pool of {poolSize:N0}",
            [
                .. HotVsCold(Systems.Embedded, spec with { Name = "hotcold", Sizes = smallSizes }, poolSize),
                .. HotVsCold(Systems.ThreeSilo, spec with { Name = "hotcold", Sizes = smallSizes }, poolSize),
            ]),
            "sweep" => new PlannedGroup(group, "small objects 97/2/1 at rising concurrency (the charts)",
                SweepLevels(options.Quick).SelectMany(c =>
                    new[] { Systems.Embedded, Systems.ThreeSilo, Systems.Nginx, Systems.Postgres, Systems.Sqlite }.Select(system =>
                        new PlannedRun($"sweep c={c}", system, system, SmallBaselines.Contains(system),
                            spec with { Name = "sweep", Sizes = smallSizes, Concurrency = c }))).ToArray()),
            "client" => new PlannedGroup(group,
                "the .NET SDK (ObjectStore.Client) vs raw HttpClient on the embedded silo, small objects, 16 in flight: puts and reads; " +
                "SDK batch (1000 inserts per ManyAsync) vs SDK single puts, 4 in flight",
                [.. ClientRuns(spec with { Name = "client", Sizes = smallSizes }, poolSize)]),
            _ => throw new ArgumentException($"unknown load group '{group}'", nameof(group)),
        };
    }

    private static LoadSpec LargeSpec(LoadSpec spec) => spec with
    {
        Name = "large",
        Sizes = new(20 * MiB, 100 * MiB, 100 * MiB),
        Multipart = new(4, 10 * MiB),
        Concurrency = 2,
        Actions = new(3, 1, 0),
    };

    private static IEnumerable<PlannedRun> Against(string scenario, LoadSpec spec) =>
        ProductSystems.Concat(SmallBaselines).Select(s => new PlannedRun(scenario, s, s, SmallBaselines.Contains(s), spec));

    private static IEnumerable<PlannedRun> Pair(string scenario, string system, string baseline, LoadSpec spec) =>
        [new(scenario, system, system, false, spec), new(scenario, baseline, baseline, true, spec)];

    private static IEnumerable<PlannedRun> BatchVsSingle(string system, LoadSpec spec) =>
    [
        new($"batch {system}", $"{system} batch", system, false, spec with { Mode = WorkloadMode.Batch, BatchSize = 1000, Actions = new(1, 0, 0) }),
        new($"batch {system}", $"{system} single", system, true, spec with { Actions = new(1, 0, 0) }),
    ];

    /// <summary>
    /// The SDK's overhead (SDK ÷ raw HttpClient, same requests: server-generated keys, chunked bodies, same seeds) and
    /// its batch gain (ManyAsync ÷ single puts, both through the SDK). The zstd run shows what the SDK's default
    /// compression costs on incompressible payloads; its throughput counts payload bytes, as every run does.
    /// </summary>
    private static IEnumerable<PlannedRun> ClientRuns(LoadSpec spec, int pool)
    {
        var puts = spec with { Actions = new(1, 0, 0) };
        var reads = spec with { Actions = new(0, 1, 0), Prefill = pool / 4 };
        var batch = spec with { Concurrency = 4, Actions = new(1, 0, 0) };
        return
        [
            new("client put", Systems.EmbeddedSdk, Systems.EmbeddedSdk, false, puts),
            new("client put", Systems.EmbeddedSdkZstd, Systems.EmbeddedSdkZstd, false, puts),
            new("client put", "embedded HttpClient", Systems.Embedded, true, puts),
            new("client get", Systems.EmbeddedSdk, Systems.EmbeddedSdk, false, reads),
            new("client get", "embedded HttpClient", Systems.Embedded, true, reads),
            new("client batch", "embedded SDK batch", Systems.EmbeddedSdk, false, batch with { Mode = WorkloadMode.Batch, BatchSize = 1000 }),
            new("client batch", "embedded SDK single", Systems.EmbeddedSdk, true, batch),
        ];
    }

    private static IEnumerable<PlannedRun> HotVsCold(string system, LoadSpec spec, int pool) =>
    [
        new($"hot-cold {system}", $"{system} hot", system, false, spec with { Actions = new(0, 1, 0), Reads = ReadPattern.Hot, HotKeys = 16, Prefill = 16 }),
        new($"hot-cold {system}", $"{system} cold", system, true, spec with { Actions = new(0, 1, 0), Reads = ReadPattern.Zipf, Prefill = pool }),
    ];
}
