using System.Globalization;

namespace ObjectStore.Bench.Load;

/// <summary>Options of the <c>load</c> command: a target, a workload (file, then flags on top), and where to put the JSON.</summary>
internal sealed class LoadOptions
{
    /// <summary>The target URI.</summary>
    public required string Target { get; init; }

    /// <summary>The workload.</summary>
    public required LoadSpec Spec { get; init; }

    /// <summary>Where to write the JSON results, if anywhere.</summary>
    public string? JsonPath { get; init; }

    public const string Usage = $$"""
        usage: objectstore-bench load --target <uri> [--workload <file>] [options] [--json out.json]
          --target URI               {{LoadTargets.Forms}}
          --workload FILE            YAML or JSON with objectstore's stresstest keys: name, mode, concurrency, organizations,
                                     file_sizes {p50, p99, max}, actions {writes, reads, deletes}, multipart {concurrency,
                                     part_size}, duration, ttl, cleanup, batch_size, reads_pattern, hot_keys, prefill, warmup, seed
          --name NAME                usecase (default bench)
          --mode MODE                weighted | throughput | batch (default weighted)
          --concurrency N            operations (batch: batch requests) in flight (default: CPU count)
          --organizations N          scopes org=<id>;project=<id>, id = random % N (default 1)
          --p50 SIZE --p99 SIZE      log-normal object sizes (default 5KiB / 20KiB); sizes like 1000, 5KiB, 20MiB
          --max SIZE                 clamp sizes (default none)
          --writes N --reads N --deletes N   weights (weighted) or per-second rates (throughput) (default 97/2/1)
          --duration D               measured phase, like 10s, 2m (default 10s)
          --batch-size N             inserts per batch request, 1..1000 (default 1000)
          --multipart-part-size SIZE multipart uploads for objects above this size (default off; 10MiB when only the concurrency is given)
          --multipart-concurrency N  parts in flight per upload (default 4)
          --reads-pattern P          zipf | hot (default zipf)
          --hot-keys N               size of the hot set (default 16)
          --prefill N                objects written before the clock starts (default 0)
          --warmup D                 untimed run of the same workload first, like 2s (default 0: none)
          --ttl D                    time to live, like 1h, or never (default 1h)
          --no-cleanup               leave the objects in place
          --seed N                   seed of sizes, choices and payloads (default 1)
          --json FILE                also write the results as JSON
        exit status: 0 all operations succeeded, 1 some failed, 2 bad options
        """;

    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        ["--name"] = "name",
        ["--mode"] = "mode",
        ["--concurrency"] = "concurrency",
        ["--organizations"] = "organizations",
        ["--p50"] = "file_sizes.p50",
        ["--p99"] = "file_sizes.p99",
        ["--max"] = "file_sizes.max",
        ["--writes"] = "actions.writes",
        ["--reads"] = "actions.reads",
        ["--deletes"] = "actions.deletes",
        ["--duration"] = "duration",
        ["--batch-size"] = "batch_size",
        ["--multipart-part-size"] = "multipart.part_size",
        ["--multipart-concurrency"] = "multipart.concurrency",
        ["--reads-pattern"] = "reads_pattern",
        ["--hot-keys"] = "hot_keys",
        ["--prefill"] = "prefill",
        ["--warmup"] = "warmup",
        ["--ttl"] = "ttl",
        ["--seed"] = "seed",
    };

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad option or workload key.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        string? target = null, workload = null, json = null;
        var settings = new List<(string Key, string Value, string Label)>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            switch (name)
            {
                case "--target": target = Value(); break;
                case "--workload": workload = Value(); break;
                case "--json": json = Value(); break;
                case "--no-cleanup": settings.Add(("cleanup", "false", name)); break;
                default:
                    if (!s_flags.TryGetValue(name, out var key)) throw new ArgumentException($"Unknown option '{name}'.");
                    settings.Add((key, Value(), name));
                    break;
            }
        }
        if (target is null) throw new ArgumentException("Option --target is required.");

        var spec = new LoadSpec();
        if (workload is not null)
        {
            IReadOnlyDictionary<string, string> values;
            try
            {
                values = WorkloadFile.Read(workload);
            }
            catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"Option --workload: {e.Message}");
            }
            foreach (var (key, value) in values) spec = Apply(spec, key, value, $"--workload {workload}: {key}");
        }
        foreach (var (key, value, label) in settings) spec = Apply(spec, key, value, $"Option {label}");
        try
        {
            LoadRunner.Validate(spec, null);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Workload {e.Message}");
        }
        return new LoadOptions { Target = target, Spec = spec, JsonPath = json };
    }

    /// <summary>Sets one workload key; <paramref name="label"/> names it in errors.</summary>
    private static LoadSpec Apply(LoadSpec spec, string key, string value, string label)
    {
        try
        {
            return key switch
            {
                "name" => spec with { Name = value.Length > 0 ? value : throw new FormatException("must not be empty") },
                "mode" => spec with { Mode = Enum<WorkloadMode>(value) },
                "concurrency" => spec with { Concurrency = Int(value, 1) },
                "organizations" => spec with { Organizations = Int(value, 1) },
                "file_sizes.p50" => spec with { Sizes = spec.Sizes with { P50 = Size(value) } },
                "file_sizes.p99" => spec with { Sizes = spec.Sizes with { P99 = Size(value) } },
                "file_sizes.max" => spec with { Sizes = spec.Sizes with { Max = Size(value) } },
                "actions.writes" => spec with { Actions = spec.Actions with { Writes = Int(value, 0) } },
                "actions.reads" => spec with { Actions = spec.Actions with { Reads = Int(value, 0) } },
                "actions.deletes" => spec with { Actions = spec.Actions with { Deletes = Int(value, 0) } },
                "duration" => spec with { Duration = Units.ParseDuration(value) is { Ticks: > 0 } d ? d : throw new FormatException("must be positive") },
                "ttl" => spec with { Ttl = Units.ParseTtl(value) },
                "cleanup" => spec with { Cleanup = bool.TryParse(value, out var b) ? b : throw new FormatException($"'{value}' is not true or false") },
                "batch_size" => spec with { BatchSize = Int(value, 1) is var n and <= 1000 ? n : throw new FormatException($"{value} is over the 1000 operations a batch request may hold") },
                "multipart.part_size" => spec with { Multipart = (spec.Multipart ?? DefaultMultipart) with { PartSize = Size(value) } },
                "multipart.concurrency" => spec with { Multipart = (spec.Multipart ?? DefaultMultipart) with { Concurrency = Int(value, 1) } },
                "reads_pattern" => spec with { Reads = Enum<ReadPattern>(value) },
                "hot_keys" => spec with { HotKeys = Int(value, 1) },
                "prefill" => spec with { Prefill = Int(value, 0) },
                "warmup" => spec with { Warmup = Units.ParseDuration(value) },
                "seed" => spec with { Seed = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw new FormatException($"'{value}' is not a non-negative integer") },
                _ => throw new FormatException("unknown workload key"),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"{label}: {e.Message}");
        }
    }

    private static MultipartSpec DefaultMultipart => new(4, 10 * 1024 * 1024);

    private static long Size(string value) => Units.ParseSize(value) is > 0 and var n ? n : throw new FormatException($"'{value}' must be a positive size");

    private static int Int(string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : throw new FormatException($"'{value}' is not an integer of at least {minimum}");

    private static T Enum<T>(string value) where T : struct, Enum =>
        System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) && !value.Any(char.IsDigit)
            ? parsed
            : throw new FormatException($"'{value}' is not one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
}
