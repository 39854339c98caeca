using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>How a write ended; all are success for the caller (last writer wins).</summary>
public enum WriteOutcome
{
    /// <summary>This write is now the object.</summary>
    Written,
    /// <summary>A concurrent writer committed after this write's read (its CAS conflicted); this write's bytes were discarded.</summary>
    Superseded,
    /// <summary>A large write found, when it came to commit, that another writer had committed since it began: no CAS was tried and its bytes were discarded.</summary>
    Overtaken,
}

/// <summary>How an inline write ended, with the metadata as stored (stamped at the write's instant, sized).</summary>
/// <param name="Outcome">Written, or superseded by a concurrent writer (then <paramref name="Metadata"/> is not the object's).</param>
/// <param name="Metadata">The metadata this write stored.</param>
public readonly record struct InlineWriteResult(WriteOutcome Outcome, ObjectMetadata Metadata);

/// <summary>What one <see cref="TieredStorage.PurgeExpiredAsync"/> batch did.</summary>
/// <param name="InlineDeleted">Expired inline rows physically deleted.</param>
/// <param name="TombstonesDeleted">Expired tombstones deleted (their LT blobs are deleted through the change log).</param>
/// <param name="Skipped">Rows that changed since listed (rewritten or bumped) and were left alone.</param>
public sealed record PurgeResult(int InlineDeleted, int TombstonesDeleted, int Skipped)
{
    /// <summary>Rows listed in the batch.</summary>
    public int Listed => InlineDeleted + TombstonesDeleted + Skipped;
}

/// <summary>What one <see cref="TieredStorage.RecoverAsync"/> batch did.</summary>
/// <param name="Claimed">Entries claimed.</param>
/// <param name="Cleaned">Entries cleaned and removed.</param>
/// <param name="BlobDeletes">LT deletes issued (idempotent, so a blob already gone counts too).</param>
/// <param name="Failed">Entries whose cleanup failed; their claim lapses and a later batch retries them.</param>
public sealed record RecoveryResult(int Claimed, int Cleaned, int BlobDeletes, int Failed);

/// <summary>What one <see cref="OrphanSweep"/> run did; every listed blob is counted once as young, unrecognized, live, orphaned or failed (an HV read failed).</summary>
public sealed class OrphanSweepResult
{
    /// <summary>LT blobs listed.</summary>
    public long Listed { get; internal set; }

    /// <summary>The listing position after the last page swept to the end (resume there after a crash); null at the start or when the store cannot resume.</summary>
    public string? Position { get; internal set; }

    /// <summary>Blobs modified within the grace, left alone.</summary>
    public long Young { get; internal set; }

    /// <summary>Listed paths that are no revision blob (left alone).</summary>
    public long Unrecognized { get; internal set; }

    /// <summary>Blobs an HV redirect or a change entry references.</summary>
    public long Live { get; internal set; }

    /// <summary>Blobs nothing referenced.</summary>
    public long Orphaned { get; internal set; }

    private long _deleted;
    private long _failed;

    /// <summary>Orphans deleted.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    /// <summary>Blobs kept because their HV read failed, plus orphans whose delete failed; the next sweep retries both.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Abandoned multipart uploads aborted: API uploads past their maximum age, and unfinished blob writes no change entry owns.</summary>
    public int UploadsAborted { get; internal set; }

    internal void CountDeleted() => Interlocked.Increment(ref _deleted);

    internal void CountFailed() => Interlocked.Increment(ref _failed);

    /// <summary>The most listed blobs held at once (at most the page size, whatever the listing length).</summary>
    public int LargestPage { get; internal set; }
}
