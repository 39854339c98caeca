using ObjectStore.Grains.Periodic;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Sweep;

/// <summary>The cluster's single orphan sweep grain (key <see cref="Key"/>): on each reminder tick it lists every LT blob and deletes those nothing references.</summary>
[GrainType("orphansweep")]
public interface IOrphanSweepGrain : IPeriodicGrain
{
    /// <summary>The one key of this grain.</summary>
    const string Key = "orphansweep";

    /// <summary>Sweeps now (as a tick would) and returns what it did.</summary>
    Task<OrphanSweepRun> SweepNow(CancellationToken cancellationToken = default);
}

/// <summary>What one orphan sweep did (counts saturate at int.MaxValue on the wire).</summary>
public sealed record OrphanSweepRun
{
    /// <summary>LT blobs listed.</summary>
    public int Listed { get; set; }

    /// <summary>Blobs within the grace, left alone.</summary>
    public int Young { get; set; }

    /// <summary>Blobs an HV redirect or a change entry references.</summary>
    public int Live { get; set; }

    /// <summary>Listed paths that are no revision blob, left alone.</summary>
    public int Unrecognized { get; set; }

    /// <summary>Blobs nothing referenced.</summary>
    public int Orphaned { get; set; }

    /// <summary>Orphans deleted.</summary>
    public int Deleted { get; set; }

    /// <summary>Blobs whose HV read or delete failed (the next sweep retries them).</summary>
    public int Failed { get; set; }

    /// <summary>Abandoned multipart uploads aborted.</summary>
    public int UploadsAborted { get; set; }

    /// <summary>Wall time of the sweep in milliseconds.</summary>
    public int ElapsedMs { get; set; }

    /// <summary>True when the sweep listed everything; false when it stopped early (error or run deadline).</summary>
    public bool Completed { get; set; }

    /// <summary>Why the sweep stopped early (this silo only; not sent over the wire).</summary>
    internal Exception? StoppedBy { get; set; }
}
