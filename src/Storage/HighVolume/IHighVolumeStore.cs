using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>
/// The high-volume tier: small objects inline and redirect tombstones for large ones, with the
/// tombstone-aware conditional operations the tiered protocol commits through. Every operation
/// takes <c>now</c>, the caller's operation time: a row whose TTL/TTI deadline is strictly earlier
/// than <c>now</c> is treated as absent everywhere (reads, preconditions). Implementations:
/// in-memory (tests), SQLite (embedded default), PostgreSQL (cluster).
/// </summary>
public interface IHighVolumeStore
{
    /// <summary>Creates or migrates the schema. Idempotent; called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads an object: inline (payload sliced to <paramref name="range"/> if given and satisfiable), tombstone, or not found.</summary>
    Task<HighVolumeEntry> ReadAsync(ObjectId id, ByteRange? range, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Reads metadata only (no payload column fetched): inline, tombstone, or not found.</summary>
    Task<HighVolumeEntry> ReadMetadataAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the object inline unless a live tombstone exists at the key. Returns null after
    /// writing, or the tombstone (writing nothing) so the caller can CAS it away.
    /// </summary>
    Task<Tombstone?> PutInlineUnlessTombstoneAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the row unless it is a live tombstone. Returns null after deleting (or when absent),
    /// or the tombstone (leaving it in place).
    /// </summary>
    Task<Tombstone?> DeleteUnlessTombstoneAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically applies <paramref name="write"/> if the current redirect state matches:
    /// <paramref name="expectedTarget"/> null requires no live tombstone (absent, inline or expired);
    /// non-null requires a live tombstone pointing exactly there. Idempotent: when the row is already
    /// in the state <paramref name="write"/> produces (same tombstone target, or deleted), returns true.
    /// Returns false on a conflicting state (another writer won).
    /// </summary>
    Task<bool> CompareAndWriteAsync(ObjectId id, ObjectId? expectedTarget, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// TTI bump: sets the deadline to <paramref name="newExpiry"/> if the row is live, matches
    /// <paramref name="expectedTarget"/> as in <see cref="CompareAndWriteAsync"/>, and its current deadline
    /// is earlier. Never creates a row. Returns true when applied or already satisfied.
    /// </summary>
    Task<bool> BumpExpiryAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset newExpiry, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> rows whose deadline is earlier than <paramref name="now"/>, oldest deadline first (uses the expiry index).</summary>
    Task<IReadOnlyList<ExpiredRow>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Physically deletes the row if it is still expired at <paramref name="now"/> and (for tombstones)
    /// still points at <paramref name="expectedTarget"/>. Returns true when the row is gone.
    /// </summary>
    Task<bool> DeleteIfExpiredAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset now, CancellationToken cancellationToken);
}
