using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Faults;

/// <summary>
/// Fault hooks for <see cref="FaultyHighVolumeStore"/>: one overridable before/after pair per operation.
/// A scenario declares a tiny subclass named for its fault (<c>FailCas</c>, <c>LoseCasResponse</c>) and
/// overrides only what it needs; a throwing "after" hook is a response lost after the change was applied.
/// </summary>
public class HighVolumeHooks
{
    public static readonly HighVolumeHooks None = new();

    public virtual ValueTask BeforeRead(ObjectId id) => default;
    public virtual ValueTask BeforeReadMetadata(ObjectId id) => default;
    public virtual ValueTask BeforeReadRedirect(ObjectId id) => default;
    public virtual ValueTask BeforePutInline(ObjectId id) => default;
    public virtual ValueTask AfterPutInline(ObjectId id, Tombstone? found) => default;
    public virtual ValueTask BeforeDeleteUnlessTombstone(ObjectId id) => default;
    public virtual ValueTask BeforeCompareAndWrite(ObjectId id, ObjectId? expectedTarget, TieredWrite write) => default;
    public virtual ValueTask AfterCompareAndWrite(ObjectId id, ObjectId? expectedTarget, TieredWrite write, bool applied) => default;
    public virtual ValueTask BeforeExtendExpiry(ObjectId id) => default;
    public virtual ValueTask BeforeDeleteIfExpired(ObjectId id) => default;
}

/// <summary>Wraps a real HV store and runs <see cref="Hooks"/> around every operation.</summary>
public sealed class FaultyHighVolumeStore(IHighVolumeStore inner) : IHighVolumeStore
{
    public IHighVolumeStore Inner { get; } = inner;

    public HighVolumeHooks Hooks { get; set; } = HighVolumeHooks.None;

    public Task InitializeAsync(CancellationToken cancellationToken) => Inner.InitializeAsync(cancellationToken);

    public async Task<HighVolumeEntry> ReadAsync(ObjectId id, ByteRange? range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforeRead(id);
        return await Inner.ReadAsync(id, range, now, cancellationToken);
    }

    public async Task<HighVolumeEntry> ReadMetadataAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforeReadMetadata(id);
        return await Inner.ReadMetadataAsync(id, now, cancellationToken);
    }

    public async Task<Tombstone?> ReadRedirectAsync(ObjectId id, CancellationToken cancellationToken)
    {
        await Hooks.BeforeReadRedirect(id);
        return await Inner.ReadRedirectAsync(id, cancellationToken);
    }

    public async Task<Tombstone?> PutInlineUnlessTombstoneAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforePutInline(id);
        var found = await Inner.PutInlineUnlessTombstoneAsync(id, metadata, payload, now, cancellationToken);
        await Hooks.AfterPutInline(id, found);
        return found;
    }

    public async Task<Tombstone?> DeleteUnlessTombstoneAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforeDeleteUnlessTombstone(id);
        return await Inner.DeleteUnlessTombstoneAsync(id, now, cancellationToken);
    }

    public async Task<bool> CompareAndWriteAsync(ObjectId id, ObjectId? expectedTarget, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforeCompareAndWrite(id, expectedTarget, write);
        var applied = await Inner.CompareAndWriteAsync(id, expectedTarget, write, now, cancellationToken);
        await Hooks.AfterCompareAndWrite(id, expectedTarget, write, applied);
        return applied;
    }

    public async Task<ExpiryOutcome> ExtendExpiryAsync(ObjectId id, ObjectId? expectedTarget, ExpiryExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforeExtendExpiry(id);
        return await Inner.ExtendExpiryAsync(id, expectedTarget, extension, now, cancellationToken);
    }

    public Task<IReadOnlyList<ExpiredRow>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Inner.ListExpiredAsync(now, limit, cancellationToken);

    public async Task<bool> DeleteIfExpiredAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Hooks.BeforeDeleteIfExpired(id);
        return await Inner.DeleteIfExpiredAsync(id, expectedTarget, now, cancellationToken);
    }
}
