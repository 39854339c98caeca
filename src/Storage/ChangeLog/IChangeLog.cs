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

    /// <summary>Removes an entry; absent is fine.</summary>
    Task RemoveAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> recoverable entries for <paramref name="claimant"/>: those
    /// whose <see cref="ChangeEntry.CleanupAfter"/> passed, or that have none and whose owner is
    /// not in <paramref name="liveOwners"/>; entries claimed by someone else within
    /// <paramref name="claimFor"/> are skipped (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>). A claim
    /// makes <paramref name="claimant"/> the owner until it expires.
    /// </summary>
    Task<IReadOnlyList<ChangeEntry>> ClaimRecoverableAsync(string claimant, IReadOnlyCollection<string> liveOwners, DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken);

    /// <summary>All entries (diagnostics and tests; may be large).</summary>
    IAsyncEnumerable<ChangeEntry> ListAsync(CancellationToken cancellationToken);
}
