namespace ObjectStore.Bench.Suite.Client;

/// <summary>One direction of a CLI transfer: how long it took and the peak RSS of the CLI and of the server meanwhile.</summary>
internal sealed record CliTransferPhase
{
    /// <summary>Wall seconds of the CLI process.</summary>
    public double Seconds { get; init; }

    /// <summary>The CLI process's peak RSS (<c>/usr/bin/time -v</c>, KiB).</summary>
    public long CliPeakRssKiB { get; init; }

    /// <summary>The server's VmHWM over this phase alone (reset before it through <c>/proc/&lt;pid&gt;/clear_refs</c>, KiB).</summary>
    public long ServerPeakRssKiB { get; init; }
}

/// <summary>One object put with <c>objectstore put</c> and read back with <c>objectstore get</c> against a fresh embedded server.</summary>
internal sealed record CliTransferRun
{
    /// <summary>The file's size.</summary>
    public long SizeBytes { get; init; }

    /// <summary>True when the file read back has the SHA-256 of the file put.</summary>
    public bool HashMatches { get; init; }

    /// <summary>The server's RSS once ready, before the put (KiB).</summary>
    public long ServerReadyRssKiB { get; init; }

    /// <summary>The server's lifetime peak RSS (<c>/usr/bin/time -v</c>, KiB).</summary>
    public long ServerLifetimePeakRssKiB { get; init; }

    /// <summary>The upload.</summary>
    public required CliTransferPhase Put { get; init; }

    /// <summary>The download to a file.</summary>
    public required CliTransferPhase Get { get; init; }
}

/// <summary>What <c>bench/cli-gib.sh</c> writes to <c>bench/results/cli-gib.json</c>.</summary>
internal sealed record CliTransferResults
{
    /// <summary>When the script ran (UTC).</summary>
    public DateTimeOffset MeasuredAt { get; init; }

    /// <summary>One run per object size, smallest first.</summary>
    public required IReadOnlyList<CliTransferRun> Runs { get; init; }
}
