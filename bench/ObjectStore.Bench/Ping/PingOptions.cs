using System.Globalization;

namespace ObjectStore.Bench.Ping;

/// <summary>Which deployment shape a ping run measures.</summary>
internal enum PingScenario
{
    /// <summary>Callers in a silo's process calling grains on that silo (Orleans' ConcurrentPing_HostedClient).</summary>
    Local,
    /// <summary>Callers on silo A calling grains that all live on silo B over loopback HTTP/2 (ConcurrentPing_SiloToSilo).</summary>
    CrossSilo,
    /// <summary>A cluster client calling a one-silo cluster over loopback HTTP/2 (ConcurrentPing_OneSilo).</summary>
    Client,
}

/// <summary>Options of the <c>ping</c> command, with Orleans' harness defaults where it has one.</summary>
internal sealed class PingOptions
{
    /// <summary>Concurrent callers, each owning one grain key (Orleans main: 100).</summary>
    public int Workers { get; private set; } = 100;

    /// <summary>Measured blocks per worker; unset, Orleans' choice: 30 in process (local), 10 over the network.</summary>
    public int? Blocks { get; private set; }

    /// <summary>Measured runs per scenario after one warm-up (Orleans: 10); each run is a row of the report.</summary>
    public int Runs { get; private set; } = 1;

    /// <summary>Sequential calls per block (Orleans: 500).</summary>
    public int BlockSize { get; private set; } = 500;

    /// <summary>Warm-up blocks per worker, discarded, followed by a forced GC (Orleans: 3).</summary>
    public int WarmupBlocks { get; private set; } = 3;

    /// <summary>Wall-clock cap of the measured phase of each scenario; the warm-up gets a quarter of it.</summary>
    public TimeSpan DurationCap { get; private set; } = TimeSpan.FromSeconds(20);

    /// <summary>Scenarios to run, in order.</summary>
    public IReadOnlyList<PingScenario> Scenarios { get; private set; } = [PingScenario.Local, PingScenario.CrossSilo, PingScenario.Client];

    /// <summary>Where to write the JSON results, if anywhere.</summary>
    public string? JsonPath { get; private set; }

    public const string Usage = """
        usage: objectstore-bench ping [options]
          --workers N          concurrent callers, one grain each (default 100)
          --blocks N           measured blocks per worker (default 30 local, 10 cross-silo and client)
          --runs N             measured runs per scenario after its warm-up (default 1)
          --block-size N       sequential calls per block (default 500)
          --warmup N           warm-up blocks per worker, discarded (default 3)
          --duration-cap S     seconds cap on each scenario's measured phase (default 20; warm-up gets a quarter)
          --scenario NAME      local | cross-silo | client | all (default all)
          --json FILE          also write the results as JSON
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static PingOptions Parse(IReadOnlyList<string> args)
    {
        var o = new PingOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
            switch (name)
            {
                case "--workers": o.Workers = Positive(name, Value()); break;
                case "--blocks": o.Blocks = Positive(name, Value()); break;
                case "--runs": o.Runs = Positive(name, Value()); break;
                case "--block-size": o.BlockSize = Positive(name, Value()); break;
                case "--warmup": o.WarmupBlocks = NonNegative(name, Value()); break;
                case "--duration-cap": o.DurationCap = TimeSpan.FromSeconds(Positive(name, Value())); break;
                case "--scenario": o.Scenarios = ParseScenario(Value()); break;
                case "--json": o.JsonPath = Value(); break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }
        return o;
    }

    /// <summary>Measured blocks per worker in <paramref name="scenario"/>.</summary>
    public int BlocksFor(PingScenario scenario) => Blocks ?? (scenario == PingScenario.Local ? 30 : 10);

    private static IReadOnlyList<PingScenario> ParseScenario(string value) => value switch
    {
        "local" => [PingScenario.Local],
        "cross-silo" => [PingScenario.CrossSilo],
        "client" => [PingScenario.Client],
        "all" => [PingScenario.Local, PingScenario.CrossSilo, PingScenario.Client],
        _ => throw new ArgumentException($"--scenario must be local, cross-silo, client or all, not '{value}'."),
    };

    private static int Positive(string name, string value)
    {
        var n = NonNegative(name, value);
        return n > 0 ? n : throw new ArgumentException($"Option {name} must be positive, not {value}.");
    }

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"Option {name} needs a non-negative integer, not '{value}'.");
}
