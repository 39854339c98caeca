using ObjectStore.Grains.Periodic;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Recovery;

/// <summary>
/// The cluster's single recovery grain (key <see cref="Key"/>): on each reminder tick it claims change-log entries whose
/// owner silo is no longer live (or whose hold passed) and cleans them, so a crash leaves no orphaned LT blob for longer
/// than a reminder period plus the membership lease.
/// </summary>
[GrainType("changelog")]
public interface IChangeLogGrain : IPeriodicGrain
{
    /// <summary>The one key of this grain.</summary>
    const string Key = "recovery";

    /// <summary>Runs recovery now (as a tick would) and returns what it did.</summary>
    Task<RecoveryRun> RecoverNow(CancellationToken cancellationToken = default);
}

/// <summary>What one recovery run did.</summary>
public sealed record RecoveryRun
{
    /// <summary>Batches run.</summary>
    public int Batches { get; set; }

    /// <summary>Entries claimed.</summary>
    public int Claimed { get; set; }

    /// <summary>Entries cleaned and removed.</summary>
    public int Cleaned { get; set; }

    /// <summary>LT deletes issued.</summary>
    public int BlobDeletes { get; set; }

    /// <summary>Entries whose cleanup failed (a later run retries them).</summary>
    public int Failed { get; set; }
}
