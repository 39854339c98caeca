using ObjectStore.Runtime.Grains;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// One object key (usecase, scopes, key), keyed by <see cref="ObjectGrainKey.Format"/>. Every mutation of the key runs
/// in the grain's turn and completes even when the caller gives up (run-to-completion: only the grain's own deadline
/// stops it). Reads are answered from the activation's cached HV row when it has one; a write through the grain is
/// visible to the next read through it. Large bodies never pass through the grain: the caller streams them into LT
/// between <see cref="BeginLargeWrite"/> and <see cref="CommitLargeWrite"/>, and reads them from LT after a
/// <see cref="ObjectReadKind.Redirect"/>. Multipart parts (upload, list, abort) go straight to
/// <c>TieredStorage</c>: they touch only LT under the revision fixed at initiate, never HV.
/// </summary>
[GrainType("object")]
public interface IObjectGrain : IGrainWithStringKey
{
    /// <summary>Stores a payload of at most the inline threshold in HV; returns the stored metadata (stamped, sized).</summary>
    Task<ObjectMetadata> PutInline(ObjectMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>Starts a large write: records the change and returns the revision the caller streams the body into.</summary>
    Task<LargeWriteTicket> BeginLargeWrite(ObjectMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Commits a large write begun on this activation (tombstone CAS); returns the stored metadata.</summary>
    /// <exception cref="InvalidOperationException">The change id is unknown to this activation (never begun here, finished, or timed out).</exception>
    Task<ObjectMetadata> CommitLargeWrite(Guid changeId, long size, CancellationToken cancellationToken = default);

    /// <summary>Abandons a large write (its revision blob is deleted in the background); unknown ids are fine.</summary>
    Task AbortLargeWrite(Guid changeId, CancellationToken cancellationToken = default);

    /// <summary>Reads the object: inline bytes (ranged), a redirect to its LT revision, or not found. Bumps TTI deadlines.</summary>
    Task<ObjectRead> Get(ByteRange? range = null, CancellationToken cancellationToken = default);

    /// <summary>The object's metadata, or null when absent or expired. Bumps TTI deadlines.</summary>
    Task<ObjectMetadata?> Head(CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; idempotent.</summary>
    Task Delete(CancellationToken cancellationToken = default);

    /// <summary>Starts a multipart upload under a revision fixed now; returns the upload id.</summary>
    Task<string> InitiateMultipart(ObjectMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Assembles and commits a multipart upload; idempotent; backend-reported problems are returned.</summary>
    Task<MultipartCompletion> CompleteMultipart(string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken = default);
}
