using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// A large write between <see cref="TieredStorage.BeginLargeWriteAsync"/> and
/// <see cref="TieredStorage.CommitLargeWriteAsync"/>: the revision to stream into LT, the tombstone target it
/// replaces, and the guard of its change-log entry. The three steps may run in different components
/// (grain: begin and commit; gateway: the LT upload). Committing finishes it; disposing it without a commit
/// abandons the write and deletes the revision blob in the background.
/// </summary>
public sealed class LargeWrite : IAsyncDisposable
{
    internal LargeWrite(ObjectId id, ObjectId revision, ObjectId? replacedTarget, DateTimeOffset startedAt, ChangeGuard guard)
    {
        Object = id;
        Revision = revision;
        ReplacedTarget = replacedTarget;
        StartedAt = startedAt;
        Guard = guard;
    }

    /// <summary>The object being written.</summary>
    public ObjectId Object { get; }

    /// <summary>The LT blob to write: <c>{key}/{uuid v7}</c>.</summary>
    public ObjectId Revision { get; }

    /// <summary>The tombstone target seen at begin (the commit's CAS expectation); null when none.</summary>
    public ObjectId? ReplacedTarget { get; }

    /// <summary>The operation time, taken once at begin: metadata stamps and the commit's expiry checks use it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The change-log entry id, for logs and for finding the write again.</summary>
    public Guid ChangeId => Guard.Entry.Id;

    internal ChangeGuard Guard { get; }

    /// <summary>Metadata stamped with <see cref="StartedAt"/>, as the LT blob and the tombstone carry it.</summary>
    public ObjectMetadata Stamp(ObjectMetadata metadata) => metadata.StampedAt(StartedAt);

    /// <summary>Abandons an uncommitted write (the revision blob is deleted in the background); no-op after commit.</summary>
    public ValueTask DisposeAsync() => Guard.DisposeAsync();
}
