namespace ObjectStore.Grains.Objects;

/// <summary>
/// One object key (usecase, scopes, key), keyed by <see cref="ObjectGrainKey.Format"/>: the in-cluster API of the store.
/// Every mutation of the key runs in the grain's turn and completes even when the caller gives up (only the grain's own
/// deadline stops it). Small objects (at most the silo's inline threshold, 1 MiB by default) pass whole through
/// <see cref="PutInline"/> and <see cref="Get"/>. Larger bodies never travel through a grain call: the HTTP gateway streams
/// them into the long-term tier between <see cref="BeginLargeWrite"/> and <see cref="CommitLargeWrite"/>, and a
/// <see cref="Get"/> of a large object answers <see cref="ObjectReadKind.LongTerm"/> (read it over HTTP,
/// <c>GET /v1/objects/{usecase}/{scopes}/{key}</c>). A payload above the threshold is refused with an
/// <see cref="ArgumentException"/> naming the HTTP path.
/// </summary>
[Alias("objectstore.IObjectGrain")]
public interface IObjectGrain : IGrainWithStringKey
{
    /// <summary>Stores a payload of at most the inline threshold; returns the stored metadata (stamped, sized).</summary>
    [Alias("PutInline")]
    Task<ObjectInfo> PutInline(ObjectInfo metadata, [Immutable] ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>The gateway's large write, step 1: records the change and returns the revision the caller streams the body into.</summary>
    [Alias("BeginLargeWrite")]
    Task<LargeWriteTicket> BeginLargeWrite(ObjectInfo metadata, CancellationToken cancellationToken = default);

    /// <summary>
    /// The gateway's large write, step 3: commits the write <paramref name="ticket"/> names (tombstone CAS); returns the stored
    /// metadata. Decided from the durable change log, so any activation of the key commits it (the one that began it may have
    /// moved) and repeating a commit whose answer was lost is safe.
    /// </summary>
    /// <exception cref="InvalidOperationException">The write was aborted, held past its limit, or recovered after its silo died: send the body again.</exception>
    [Alias("CommitLargeWrite.ticket")]
    Task<ObjectInfo> CommitLargeWrite(LargeWriteTicket ticket, long size, CancellationToken cancellationToken = default);

    /// <summary>Abandons a large write (its revision blob is deleted in the background); unknown or committed ids are fine.</summary>
    [Alias("AbortLargeWrite")]
    Task AbortLargeWrite(Guid changeId, CancellationToken cancellationToken = default);

    /// <summary>Reads the object: inline bytes (ranged), a pointer to its long-term revision, or not found. Bumps TTI deadlines.</summary>
    [Alias("Get")]
    Task<ObjectRead> Get(ReadRange? range = null, CancellationToken cancellationToken = default);

    /// <summary>The object's metadata, or null when absent or expired. Bumps TTI deadlines.</summary>
    [Alias("Head")]
    Task<ObjectInfo?> Head(CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the expiry of a TTL or TTI object to at least the requested deadline, keeping payload and metadata (a
    /// TTL is re-derived to describe the new deadline). Never shortens; a mutation in the grain's turn.
    /// </summary>
    [Alias("ExtendExpiry")]
    Task<ExpiryResult> ExtendExpiry(ExpiryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; idempotent.</summary>
    [Alias("Delete")]
    Task Delete(CancellationToken cancellationToken = default);

    /// <summary>Starts a multipart upload under a revision fixed now; returns the upload id.</summary>
    [Alias("InitiateMultipart")]
    Task<string> InitiateMultipart(ObjectInfo metadata, CancellationToken cancellationToken = default);

    /// <summary>Assembles and commits a multipart upload; idempotent; backend-reported problems are returned.</summary>
    [Alias("CompleteMultipart")]
    Task<MultipartOutcome> CompleteMultipart(string uploadId, IReadOnlyList<PartTag> parts, CancellationToken cancellationToken = default);
}
