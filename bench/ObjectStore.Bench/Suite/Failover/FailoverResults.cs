using System.Text.Json.Serialization;

namespace ObjectStore.Bench.Suite.Failover;

/// <summary>One fault on a fresh 3-silo cluster: how long until every acknowledged write answered from the survivors.</summary>
internal sealed record FailoverRun
{
    /// <summary>The signal sent to one silo: <c>KILL</c> (a crash) or <c>STOP</c> (a hung process, sockets open).</summary>
    public required string Fault { get; init; }

    /// <summary>The repetition, from 1.</summary>
    public int Run { get; init; }

    /// <summary>Acknowledged writes before the fault (a third of them through the silo that fails).</summary>
    public int Objects { get; init; }

    /// <summary>Seconds from the signal until every object read back byte-identical from a survivor.</summary>
    public double SecondsUntilReadable { get; init; }

    /// <summary>Reads answered with an error status or a refused connection while waiting; each is retried at once.</summary>
    public int FailedReads { get; init; }

    /// <summary>Why the run failed (a write not readable within the bound), or null.</summary>
    public string? Error { get; init; }
}

/// <summary>The failover group, as written to <c>bench/results/failover.json</c>.</summary>
internal sealed record FailoverResults
{
    /// <summary>What it ran on.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>When it started (UTC).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>The 1/5/15-minute load average at the start.</summary>
    public string LoadAverage { get; init; } = "";

    /// <summary>Whether it was a <c>--quick</c> run (one repetition per fault).</summary>
    public bool Quick { get; init; }

    /// <summary>One row per fault and repetition.</summary>
    public IReadOnlyList<FailoverRun> Runs { get; init; } = [];

    /// <summary>True when an acknowledged write was not readable within the bound: lost, or never failed over.</summary>
    [JsonIgnore]
    public bool Failed => Runs.Any(r => r.Error is not null);
}
