using System.Globalization;

namespace ObjectStore.Bench.Suite;

/// <summary>The <c>suite</c> command's options.</summary>
internal sealed class SuiteOptions
{
    /// <summary>Every scenario group, in run order.</summary>
    public static readonly IReadOnlyList<string> AllGroups = ["small", "durable", "medium", "batch", "large", "hot-cold", "sweep", "client", "memory", "failover"];

    /// <summary>The groups that are not load scenarios: each has its own benchmark and results file.</summary>
    public static readonly IReadOnlyList<string> SpecialGroups = ["memory", "failover"];

    /// <summary>1–2 s per measurement and small memory sizes: a smoke run, not figures.</summary>
    public bool Quick { get; private set; }

    /// <summary>The groups to run.</summary>
    public IReadOnlyList<string> Groups { get; private set; } = AllGroups;

    /// <summary>Where the JSON files go.</summary>
    public string ResultsDirectory { get; private set; } = Path.Combine("bench", "results");

    /// <summary>The Release build of the silo.</summary>
    public string SiloDll { get; private set; } = Path.Combine("src", "Silo", "bin", "Release", "net10.0", "objectstore.dll");

    /// <summary>The nginx binary.</summary>
    public string Nginx { get; private set; } = NginxServer.DefaultBinary;

    /// <summary>Measured seconds per run, overriding the default of the mode.</summary>
    public double? Seconds { get; private set; }

    /// <summary>The measured phase of one run.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds ?? (Quick ? 1.5 : 5));

    /// <summary>The untimed warm-up before each measurement: a silo's first seconds are JIT tiering, not its speed.</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Quick ? 0.5 : 2);

    /// <summary>
    /// The warm-up of the first measurement on each system: a freshly started silo still tiers its JIT code 15 s into
    /// a load (a quarter of its CPU, profiled in docs/PROFILE.md), far past <see cref="Warmup"/>.
    /// </summary>
    public TimeSpan FirstWarmup => TimeSpan.FromSeconds(Quick ? 1 : 15);

    /// <summary>The command's usage text.</summary>
    public const string Usage = """
        usage: objectstore-bench suite [options]
          --quick            1-2 s per run and small memory sizes (smoke run)
          --only G[,G...]    groups to run: small, durable, medium, batch, large, hot-cold, sweep, client, memory, failover (default all)
          --seconds S        measured seconds per run (default 5, quick 1.5)
          --results DIR      where the JSON goes (default bench/results)
          --silo FILE        the silo's Release objectstore.dll (default src/Silo/bin/Release/net10.0/objectstore.dll)
          --nginx FILE       the nginx binary (default /usr/sbin/nginx)
        The exit code is 1 when any measured operation failed, 2 on a bad option.
        """;

    /// <summary>Parses the arguments after <c>suite</c>; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public static SuiteOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SuiteOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick": options.Quick = true; break;
                case "--only":
                    var groups = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var g in groups)
                        if (!AllGroups.Contains(g)) throw new ArgumentException($"unknown group '{g}' (known: {string.Join(", ", AllGroups)})");
                    options.Groups = AllGroups.Where(groups.Contains).ToArray();
                    break;
                case "--seconds":
                    var text = Value();
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s <= 0 || !double.IsFinite(s))
                        throw new ArgumentException($"--seconds: '{text}' is not a positive number");
                    options.Seconds = s;
                    break;
                case "--results": options.ResultsDirectory = Value(); break;
                case "--silo": options.SiloDll = Value(); break;
                case "--nginx": options.Nginx = Value(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return options;
    }
}
