using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.InMemory;

public sealed class InMemoryHighVolumeStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ObjectId Id = new("u", Scopes.Empty, "k");
    private static readonly ObjectId T1 = Id.WithKey("k/1");
    private static readonly ObjectId T2 = Id.WithKey("k/2");
    private readonly InMemoryHighVolumeStore _store = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private static ObjectMetadata Meta(TimeSpan? ttl = null) =>
        new ObjectMetadata { Expiration = ttl is { } t ? ExpirationPolicy.TimeToLive(t) : ExpirationPolicy.Manual }.StampedAt(Now);

    private static TieredWrite Redirect(ObjectId target, ObjectMetadata? m = null) => new TieredWrite.WriteTombstone(new Tombstone(target, m ?? Meta()));

    [Fact]
    public async Task Inline_write_is_read_back_whole_and_by_range_and_the_caller_buffer_is_copied()
    {
        var payload = new byte[] { 1, 2, 3, 4, 5 };
        Assert.Null(await _store.PutInlineUnlessTombstoneAsync(Id, Meta(), payload, Now, _ct));
        payload[0] = 99;
        var whole = await _store.ReadAsync(Id, null, Now, _ct);
        Assert.Equal(EntryKind.Inline, whole.Kind);
        Assert.Equal([1, 2, 3, 4, 5], whole.Payload.ToArray());
        var range = await _store.ReadAsync(Id, ByteRange.Bounded(1, 2), Now, _ct);
        Assert.Equal([2, 3], range.Payload.ToArray());
        Assert.Equal(new ContentRange(1, 2, 5), range.Range);
        var beyond = await _store.ReadAsync(Id, ByteRange.From(9), Now, _ct);
        Assert.Null(beyond.Range);
        Assert.True(beyond.Payload.IsEmpty);
        Assert.True((await _store.ReadMetadataAsync(Id, Now, _ct)).Payload.IsEmpty);
    }

    [Fact]
    public async Task Inline_write_and_delete_stop_at_a_live_tombstone()
    {
        Assert.True(await _store.CompareAndWriteAsync(Id, null, Redirect(T1), Now, _ct));
        Assert.Equal(T1, (await _store.PutInlineUnlessTombstoneAsync(Id, Meta(), new byte[1], Now, _ct))?.Target);
        Assert.Equal(T1, (await _store.DeleteUnlessTombstoneAsync(Id, Now, _ct))?.Target);
        Assert.Equal(EntryKind.Tombstone, (await _store.ReadAsync(Id, null, Now, _ct)).Kind);
    }

    [Fact]
    public async Task Compare_and_write_applies_only_on_the_expected_target_and_is_idempotent()
    {
        Assert.True(await _store.CompareAndWriteAsync(Id, null, Redirect(T1), Now, _ct));
        Assert.True(await _store.CompareAndWriteAsync(Id, null, Redirect(T1), Now, _ct));
        Assert.False(await _store.CompareAndWriteAsync(Id, null, Redirect(T2), Now, _ct));
        Assert.False(await _store.CompareAndWriteAsync(Id, T2, new TieredWrite.WriteInline(Meta(), new byte[1]), Now, _ct));
        Assert.True(await _store.CompareAndWriteAsync(Id, T1, Redirect(T2), Now, _ct));
        Assert.True(await _store.CompareAndWriteAsync(Id, T1, Redirect(T2), Now, _ct));
        Assert.True(await _store.CompareAndWriteAsync(Id, T2, TieredWrite.Delete.Instance, Now, _ct));
        Assert.True(await _store.CompareAndWriteAsync(Id, T2, TieredWrite.Delete.Instance, Now, _ct));
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Expired_rows_are_absent_to_reads_and_preconditions_but_listed_until_purged()
    {
        await _store.CompareAndWriteAsync(Id, null, Redirect(T1, Meta(TimeSpan.FromMinutes(1))), Now, _ct);
        var later = Now.AddMinutes(2);
        Assert.Equal(EntryKind.NotFound, (await _store.ReadAsync(Id, null, later, _ct)).Kind);
        Assert.Equal(EntryKind.Tombstone, (await _store.ReadAsync(Id, null, Now, _ct)).Kind);
        var expired = Assert.Single(await _store.ListExpiredAsync(later, 10, _ct));
        Assert.Equal(new ExpiredRow(Id, T1, Now.AddMinutes(1)), expired);
        Assert.False(await _store.DeleteIfExpiredAsync(Id, T2, later, _ct));
        Assert.False(await _store.DeleteIfExpiredAsync(Id, T1, Now, _ct));
        Assert.True(await _store.DeleteIfExpiredAsync(Id, T1, later, _ct));
        Assert.Empty(await _store.ListExpiredAsync(later, 10, _ct));
    }

    [Fact]
    public async Task Bump_extends_a_live_matching_row_only()
    {
        var m = Meta(TimeSpan.FromMinutes(10));
        await _store.PutInlineUnlessTombstoneAsync(Id, m, new byte[1], Now, _ct);
        Assert.False(await _store.BumpExpiryAsync(Id, T1, Now.AddHours(1), Now, _ct));
        Assert.True(await _store.BumpExpiryAsync(Id, null, Now.AddHours(1), Now, _ct));
        Assert.True(await _store.BumpExpiryAsync(Id, null, Now.AddMinutes(30), Now, _ct));
        Assert.Equal(Now.AddHours(1), (await _store.ReadMetadataAsync(Id, Now, _ct)).Metadata!.TimeExpires);
        Assert.False(await _store.BumpExpiryAsync(Id.WithKey("absent"), null, Now.AddHours(1), Now, _ct));
        Assert.Equal(1, _store.Count);
    }
}
