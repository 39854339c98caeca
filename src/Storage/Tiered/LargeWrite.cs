using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// A large write between <see cref="TieredStorage.BeginLargeWriteAsync(ObjectId, CancellationToken)"/> and its commit: the object, the revision to
/// stream into LT, and the change-log entry that is the write's only state. The steps may run in different components
/// and processes (grain: begin and commit; gateway: the LT upload); this handle is the in-process convenience of a
/// caller that runs all three. Disposing it without a commit abandons the write (the revision blob is deleted).
/// </summary>
public sealed class LargeWrite : IAsyncDisposable
{
    private readonly TieredStorage _storage;
    private int _finished;

    internal LargeWrite(TieredStorage storage, ObjectId id, ObjectId revision, Guid changeId, DateTimeOffset startedAt)
    {
        _storage = storage;
        Object = id;
        Revision = revision;
        ChangeId = changeId;
        StartedAt = startedAt;
    }

    /// <summary>The object being written.</summary>
    public ObjectId Object { get; }

    /// <summary>The LT blob to write: <c>{key}/{uuid v7}</c>.</summary>
    public ObjectId Revision { get; }

    /// <summary>The change-log entry id: names the write to its commit or abandonment, from any process.</summary>
    public Guid ChangeId { get; }

    /// <summary>The operation time, taken once at begin: metadata stamps and the commit's expiry checks use it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Metadata stamped with <see cref="StartedAt"/>, as the LT blob and the tombstone carry it.</summary>
    public ObjectMetadata Stamp(ObjectMetadata metadata) => metadata.StampedAt(StartedAt);

    /// <summary>Commits the write (<see cref="TieredStorage.CommitLargeWriteAsync"/>); after that, disposing does nothing.</summary>
    public Task<WriteOutcome> CommitAsync(ObjectMetadata metadata, long size, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) throw new InvalidOperationException($"large write {ChangeId} is already finished");
        return _storage.CommitLargeWriteAsync(Object, ChangeId, Revision, metadata, size, cancellationToken);
    }

    /// <summary>Abandons an uncommitted write (the revision blob is deleted in the background); no-op after a commit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        await _storage.AbandonLargeWriteAsync(Object, ChangeId, CancellationToken.None).ConfigureAwait(false);
    }
}
