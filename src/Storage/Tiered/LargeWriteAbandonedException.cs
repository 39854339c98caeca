using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// A commit found no large write to take: it was abandoned (aborted, or held past <see cref="TieredStorageOptions.LargeWriteHold"/>),
/// or recovery claimed it after its owner died, and the object does not point at its revision. The body must be sent again.
/// </summary>
public sealed class LargeWriteAbandonedException(ObjectId id, Guid changeId)
    : InvalidOperationException($"large write {changeId} of {id} was abandoned before its commit (aborted, held too long, or recovered after its silo died); send the object again")
{
    /// <summary>The change-log entry id of the write.</summary>
    public Guid ChangeId { get; } = changeId;
}
