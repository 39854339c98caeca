using System.Text.Json.Serialization;

namespace ObjectStore.Bench.Suite.Memory;

/// <summary>Peak silo RSS while one client streams a single object of <see cref="SizeBytes"/> up and back down.</summary>
internal sealed record LargeObjectMemory
{
    /// <summary>The object size.</summary>
    public long SizeBytes { get; init; }

    /// <summary>The chunk size when the object went up as a resumable session; null for one streamed PUT.</summary>
    public long? ResumableChunkBytes { get; init; }

    /// <summary>VmRSS of the fresh silo once ready, before the upload.</summary>
    public long ReadyRssBytes { get; init; }

    /// <summary>Peak VmRSS during the upload.</summary>
    public long UploadPeakRssBytes { get; init; }

    /// <summary>Peak VmRSS during the download.</summary>
    public long DownloadPeakRssBytes { get; init; }

    /// <summary>The kernel's VmHWM at the end (lifetime peak, a cross-check of the sampled peaks).</summary>
    public long HwmBytes { get; init; }

    /// <summary>Upload wall time.</summary>
    public double UploadSeconds { get; init; }

    /// <summary>Download wall time.</summary>
    public double DownloadSeconds { get; init; }

    /// <summary>Whether the downloaded bytes hashed to what was uploaded (SHA-256).</summary>
    public bool HashMatches { get; init; }

    /// <summary>Why the measurement failed, or null.</summary>
    public string? Error { get; init; }
}

/// <summary>Peak silo RSS while its orphan sweep lists <see cref="Entries"/> LT blobs.</summary>
internal sealed record ListingMemory
{
    /// <summary>LT blobs put into the filesystem LT directory before the silo started.</summary>
    public long Entries { get; init; }

    /// <summary>How long creating them took.</summary>
    public double CreateSeconds { get; init; }

    /// <summary>VmRSS once the silo was ready.</summary>
    public long ReadyRssBytes { get; init; }

    /// <summary>Peak VmRSS from start until the sweep finished.</summary>
    public long PeakRssBytes { get; init; }

    /// <summary>The sweep's own elapsed time from its finished line.</summary>
    public double SweepSeconds { get; init; }

    /// <summary>The silo's <c>Orphan sweep finished</c> log line (with its counts).</summary>
    public string? FinishedLine { get; init; }

    /// <summary>Why the measurement failed, or null.</summary>
    public string? Error { get; init; }
}

/// <summary>The memory group, as written to <c>bench/results/memory.json</c>.</summary>
internal sealed record MemoryResults
{
    /// <summary>What it ran on.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>When it started (UTC).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>Whether it was a <c>--quick</c> run (small sizes).</summary>
    public bool Quick { get; init; }

    /// <summary>One row per object size.</summary>
    public IReadOnlyList<LargeObjectMemory> Large { get; init; } = [];

    /// <summary>One row per listing length.</summary>
    public IReadOnlyList<ListingMemory> Listing { get; init; } = [];

    /// <summary>True when a transfer failed or corrupted data (a listing that could not be measured is reported, not a data loss).</summary>
    [JsonIgnore]
    public bool Failed => Large.Any(l => l.Error is not null || !l.HashMatches);
}
