namespace ObjectStore.Storage.ChangeLog;

/// <summary>
/// The durable write-ahead change log, kept in the HV database (SQLite or PostgreSQL; in-memory for
/// tests). Entries are recorded before LT writes and removed after cleanup; recovery claims the
/// entries whose owner is gone or whose cleanup delay passed, so no two processes recover one entry.
/// </summary>
public interface IChangeLog
{
    /// <summary>Creates or migrates the schema. Idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Durably records a new entry.</summary>
    Task RecordAsync(ChangeEntry entry, CancellationToken cancellationToken);

    /// <summary>Durably advances an entry's phase (and optionally its cleanup delay).</summary>
    Task UpdatePhaseAsync(Guid id, ChangePhase phase, DateTimeOffset? cleanupAfter, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over a large write's entry while it is still <see cref="ChangePhase.Recorded"/> and no recoverer ever claimed
    /// it: moves it to <paramref name="phase"/> (Written for a commit, Lost for an abandonment) with the given owner and
    /// cleanup time, in one conditional write, and returns it as stored. Null when the entry of <paramref name="obj"/> is
    /// gone, already taken, or claimed by recovery: whoever got there first decides, so a commit and a recovery (or an
    /// abandonment) of one write never both act on it.
    /// </summary>
    Task<ChangeEntry?> TakeRecordedAsync(Guid id, Objects.ObjectId obj, ChangePhase phase, string owner, DateTimeOffset cleanupAfter, CancellationToken cancellationToken);

    /// <summary>Removes an entry; absent is fine.</summary>
    Task RemoveAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> recoverable entries for <paramref name="claimant"/>: those
    /// whose <see cref="ChangeEntry.CleanupAfter"/> passed, or whose owner is not in <paramref name="liveOwners"/>
    /// and that have no cleanup time or are still <see cref="ChangePhase.Recorded"/> (a large write whose uploader died
    /// is recovered now, not when its hold passes); entries claimed by someone else within
    /// <paramref name="claimFor"/> are skipped (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>). A claim
    /// makes <paramref name="claimant"/> the owner until it expires.
    /// </summary>
    Task<IReadOnlyList<ChangeEntry>> ClaimRecoverableAsync(string claimant, IReadOnlyCollection<string> liveOwners, DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken);

    /// <summary>All entries (diagnostics and tests; may be large).</summary>
    IAsyncEnumerable<ChangeEntry> ListAsync(CancellationToken cancellationToken);
}
