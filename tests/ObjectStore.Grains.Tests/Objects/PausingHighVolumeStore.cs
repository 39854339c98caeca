using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Objects;

/// <summary>An HV store that can hold one kind of write (or the redirect read) at its start until released; the held call waits on the token it was given.</summary>
public sealed class PausingHighVolumeStore(IHighVolumeStore inner) : IHighVolumeStore
{
    private volatile string? _paused;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next call of <paramref name="method"/> (nameof an operation) waits for <see cref="Gate"/>.</summary>
    public void Pause(string method) => _paused = method;

    private async Task HoldAsync(string method, CancellationToken cancellationToken)
    {
        if (_paused != method) return;
        _paused = null;
        Entered.TrySetResult();
        await Gate.Task.WaitAsync(cancellationToken);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<HighVolumeEntry> ReadAsync(ObjectId id, ByteRange? range, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.ReadAsync(id, range, now, cancellationToken);

    public Task<HighVolumeEntry> ReadMetadataAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.ReadMetadataAsync(id, now, cancellationToken);

    public async Task<Tombstone?> ReadRedirectAsync(ObjectId id, CancellationToken cancellationToken)
    {
        await HoldAsync(nameof(ReadRedirectAsync), cancellationToken);
        return await inner.ReadRedirectAsync(id, cancellationToken);
    }

    public async Task<Tombstone?> PutInlineUnlessTombstoneAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await HoldAsync(nameof(PutInlineUnlessTombstoneAsync), cancellationToken);
        return await inner.PutInlineUnlessTombstoneAsync(id, metadata, payload, now, cancellationToken);
    }

    public async Task<Tombstone?> DeleteUnlessTombstoneAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await HoldAsync(nameof(DeleteUnlessTombstoneAsync), cancellationToken);
        return await inner.DeleteUnlessTombstoneAsync(id, now, cancellationToken);
    }

    public async Task<bool> CompareAndWriteAsync(ObjectId id, ObjectId? expectedTarget, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await HoldAsync(nameof(CompareAndWriteAsync), cancellationToken);
        return await inner.CompareAndWriteAsync(id, expectedTarget, write, now, cancellationToken);
    }

    public Task<ExpiryOutcome> ExtendExpiryAsync(ObjectId id, ObjectId? expectedTarget, ExpiryExtension extension, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.ExtendExpiryAsync(id, expectedTarget, extension, now, cancellationToken);

    public Task<IReadOnlyList<ExpiredRow>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        inner.ListExpiredAsync(now, limit, cancellationToken);

    public Task<bool> DeleteIfExpiredAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.DeleteIfExpiredAsync(id, expectedTarget, now, cancellationToken);
}
