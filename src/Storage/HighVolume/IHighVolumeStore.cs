using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>
/// The high-volume tier: small objects inline and redirect tombstones for large ones, with the
/// tombstone-aware conditional operations the tiered protocol commits through. Operations take
/// <c>now</c>, the caller's operation time: reads and the TTI bump treat a row whose TTL/TTI deadline is
/// strictly earlier than <c>now</c> as absent. Preconditions (<see cref="PutInlineUnlessTombstoneAsync"/>,
/// <see cref="DeleteUnlessTombstoneAsync"/>, <see cref="CompareAndWriteAsync"/>) do not: an expired tombstone
/// still references its LT blob until it is purged, so it blocks, is returned and is matched like a live
/// one, and whoever replaces it does so through the change log (invariant 2). Implementations:
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
    /// Reads the redirect state the preconditions see (metadata only): the row's tombstone whether or not it
    /// expired, or null when the row is absent or inline. Writers use it to learn the target a CAS must expect
    /// and the LT blob their change entry replaces; it is not a read path (it never hides expired rows).
    /// </summary>
    Task<Tombstone?> ReadRedirectAsync(ObjectId id, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the object inline unless a tombstone (live or expired) exists at the key. Returns null after
    /// writing, or the tombstone (writing nothing) so the caller can CAS it away.
    /// </summary>
    Task<Tombstone?> PutInlineUnlessTombstoneAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the row unless it is a tombstone (live or expired). Returns null after deleting (or when absent),
    /// or the tombstone (leaving it in place).
    /// </summary>
    Task<Tombstone?> DeleteUnlessTombstoneAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically applies <paramref name="write"/> if the current redirect state matches:
    /// <paramref name="expectedTarget"/> null requires no tombstone (absent or inline, expired or not);
    /// non-null requires a tombstone, live or expired, pointing exactly there. Idempotent: when the row is already
    /// in the redirect state <paramref name="write"/> produces (same tombstone target; no tombstone for inline
    /// writes and deletes), returns true.
    /// Returns false on a conflicting state (another writer won).
    /// </summary>
    Task<bool> CompareAndWriteAsync(ObjectId id, ObjectId? expectedTarget, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the deadline of a live row that matches <paramref name="expectedTarget"/> as in
    /// <see cref="CompareAndWriteAsync"/>, deciding on the row read under the write lock with
    /// <see cref="ExpiryExtension.Decide"/>; on <see cref="ExpiryOutcome.Extended"/> the deadline and the (re-derived)
    /// policy are written together, nothing else. Absent or expired (at <paramref name="now"/>) →
    /// <see cref="ExpiryOutcome.NotFound"/>; another redirect state → <see cref="ExpiryOutcome.Conflict"/>. Never creates,
    /// revives or shortens a row. The one expiry mutation: PATCH extensions and TTI bumps (<see cref="ExpiryBump"/>).
    /// </summary>
    Task<ExpiryOutcome> ExtendExpiryAsync(ObjectId id, ObjectId? expectedTarget, ExpiryExtension extension, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> rows whose deadline is earlier than <paramref name="now"/>, oldest deadline first (uses the expiry index).</summary>
    Task<IReadOnlyList<ExpiredRow>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Physically deletes the row if it is still expired at <paramref name="now"/> and (for tombstones)
    /// still points at <paramref name="expectedTarget"/>. Returns true when the row is gone.
    /// </summary>
    Task<bool> DeleteIfExpiredAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset now, CancellationToken cancellationToken);
}
