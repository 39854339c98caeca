using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Recovery;

/// <summary>
/// The cluster's single recovery grain (key <see cref="Key"/>): on each reminder tick it claims change-log entries whose
/// owner silo is no longer live (or whose hold passed) and cleans them, so a crash leaves no orphaned LT blob for longer
/// than a reminder period plus the membership's failure detection.
/// </summary>
[Alias("objectstore.IChangeLogGrain")]
public interface IChangeLogGrain : IPeriodicGrain
{
    /// <summary>The one key of this grain.</summary>
    const string Key = "recovery";

    /// <summary>Runs recovery now (as a tick would) and returns what it did.</summary>
    [Alias("RecoverNow")]
    Task<RecoveryRun> RecoverNow(CancellationToken cancellationToken = default);

    /// <summary>The last run that claimed anything, as persisted in grain state (survives restarts); null before the first.</summary>
    [Alias("LastRun")]
    Task<RecoveryRun?> LastRun(CancellationToken cancellationToken = default);
}

/// <summary>What one recovery run did.</summary>
[GenerateSerializer, Alias("objectstore.RecoveryRun")]
public sealed record RecoveryRun
{
    /// <summary>When the run finished.</summary>
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Batches run.</summary>
    [Id(0)] public int Batches { get; set; }

    /// <summary>Entries claimed.</summary>
    [Id(1)] public int Claimed { get; set; }

    /// <summary>Entries cleaned and removed.</summary>
    [Id(2)] public int Cleaned { get; set; }

    /// <summary>LT deletes issued.</summary>
    [Id(3)] public int BlobDeletes { get; set; }

    /// <summary>Entries whose cleanup failed (a later run retries them).</summary>
    [Id(4)] public int Failed { get; set; }
}
