using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Sweep;

/// <summary>The cluster's single orphan sweep grain (key <see cref="Key"/>): on each reminder tick it lists every LT blob and deletes those nothing references.</summary>
[Alias("objectstore.IOrphanSweepGrain")]
public interface IOrphanSweepGrain : IPeriodicGrain
{
    /// <summary>The one key of this grain.</summary>
    const string Key = "orphansweep";

    /// <summary>Sweeps now (as a tick would) and returns what it did.</summary>
    [Alias("SweepNow")]
    Task<OrphanSweepRun> SweepNow(CancellationToken cancellationToken = default);
}

/// <summary>What one orphan sweep did.</summary>
[GenerateSerializer, Alias("objectstore.OrphanSweepRun")]
public sealed record OrphanSweepRun
{
    /// <summary>LT blobs listed.</summary>
    [Id(0)] public int Listed { get; set; }

    /// <summary>Blobs within the grace, left alone.</summary>
    [Id(1)] public int Young { get; set; }

    /// <summary>Blobs an HV redirect or a change entry references.</summary>
    [Id(2)] public int Live { get; set; }

    /// <summary>Listed paths that are no revision blob, left alone.</summary>
    [Id(3)] public int Unrecognized { get; set; }

    /// <summary>Blobs nothing referenced.</summary>
    [Id(4)] public int Orphaned { get; set; }

    /// <summary>Orphans deleted.</summary>
    [Id(5)] public int Deleted { get; set; }

    /// <summary>Blobs whose HV read or delete failed (the next sweep retries them).</summary>
    [Id(6)] public int Failed { get; set; }

    /// <summary>Abandoned multipart uploads aborted.</summary>
    [Id(7)] public int UploadsAborted { get; set; }

    /// <summary>Wall time of the sweep in milliseconds.</summary>
    [Id(8)] public int ElapsedMs { get; set; }

    /// <summary>True when the sweep listed everything; false when it stopped early (error or run deadline).</summary>
    [Id(9)] public bool Completed { get; set; }

    /// <summary>True when this sweep continued from a position an interrupted sweep persisted, instead of starting over.</summary>
    [Id(10)] public bool Resumed { get; set; }
}
