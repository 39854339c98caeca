using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>Expiry: hidden on every read path, TTI bumps with debounce, physical purge through the change log.</summary>
public abstract partial class TieredScenarios
{
    private async Task<bool> IsListedExpiredAsync() =>
        (await Hv.ListExpiredAsync(Clock.GetUtcNow(), 1000, Ct)).Any(r => r.Id == Id);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Expired_objects_are_hidden_and_purged_with_their_blobs(bool large)
    {
        var data = large ? Large() : Bytes(10);
        await PutAsync(data, new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1)) });
        await SettleAsync();
        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(data, await ReadAsync());
        Assert.False(await IsListedExpiredAsync());

        Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await ReadAsync());
        Assert.Null(await Storage.HeadAsync(Id, Ct));
        Assert.True(await IsListedExpiredAsync());
        Assert.Equal(large ? 1 : 0, (await BlobsAsync()).Count);

        var purged = await Storage.PurgeExpiredAsync(1000, Ct);
        Assert.Equal(1, large ? purged.TombstonesDeleted : purged.InlineDeleted);
        Assert.False(await IsListedExpiredAsync());
        await AssertSettledAsync(null);
    }

    /// <summary>A large object with a 1 h TTL, now expired but not yet purged; returns its blob.</summary>
    private async Task<ObjectId> ExpiredLargeObjectAsync()
    {
        await PutAsync(Large(1), new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1)) });
        await SettleAsync();
        var target = await TargetAsync();
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(await ReadAsync());
        Assert.True(await IsListedExpiredAsync());
        Assert.Equal([target.StoragePath], await BlobsAsync());
        return target;
    }

    [Fact]
    public async Task Small_write_over_an_expired_tombstone_leaves_no_orphaned_blob()
    {
        await ExpiredLargeObjectAsync();
        var small = Bytes(10);
        Assert.Equal(WriteOutcome.Written, await PutAsync(small));
        await AssertSettledAsync(small);
        Assert.False(await IsListedExpiredAsync());
    }

    [Fact]
    public async Task Large_write_over_an_expired_tombstone_replaces_it_and_deletes_its_blob()
    {
        var expired = await ExpiredLargeObjectAsync();
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        Assert.Equal(expired, Assert.Single(await EntriesAsync()).OldBlob);
        var data = Large(2);
        await Lt.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(data), data.Length, Ct);
        Assert.Equal(WriteOutcome.Written, await write.CommitAsync(new ObjectMetadata(), data.Length, Ct));
        await AssertSettledAsync(data);
        Assert.Equal(write.Revision, await TargetAsync());
    }

    [Fact]
    public async Task Delete_of_an_expired_tombstone_removes_it_and_its_blob()
    {
        await ExpiredLargeObjectAsync();
        Assert.Null(await Storage.HeadAsync(Id, Ct));
        await Storage.DeleteAsync(Id, Ct);
        Assert.False(await IsListedExpiredAsync());
        await AssertSettledAsync(null);
        Assert.Equal(0, (await Storage.PurgeExpiredAsync(1000, Ct)).TombstonesDeleted);
    }

    [Fact]
    public async Task Reading_an_expired_TTI_object_never_revives_it()
    {
        await PutAsync(Large(1), new ObjectMetadata { Expiration = ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1)) });
        await SettleAsync();
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(await Storage.HeadAsync(Id, Ct));
        Assert.Null(await ReadAsync());
        Assert.True(await IsListedExpiredAsync());
        Assert.Equal(1, (await Storage.PurgeExpiredAsync(1000, Ct)).TombstonesDeleted);
        await AssertSettledAsync(null);
    }

    [Fact]
    public async Task Purge_leaves_a_rewritten_object_alone()
    {
        await PutAsync(Large(1), new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1)) });
        await SettleAsync();
        Clock.Advance(TimeSpan.FromHours(2));
        var fresh = Large(2);
        var purgeRace = new PurgeRace(() => PutAsync(fresh));
        Hv.Hooks = purgeRace;
        await Storage.PurgeExpiredAsync(1000, Ct);
        Assert.True(purgeRace.Fired);
        Assert.Equal(fresh, await ReadAsync());
        await SettleAsync();
        Assert.Equal([(await TargetAsync()).StoragePath], await BlobsAsync());
        Assert.Empty(await EntriesAsync());
    }

    /// <summary>A writer replaces the expired row between the purge's listing and its delete.</summary>
    private sealed class PurgeRace(Func<Task> writer) : Faults.HighVolumeHooks
    {
        public bool Fired { get; private set; }

        public override async ValueTask BeforeDeleteIfExpired(ObjectId id)
        {
            if (Fired) return;
            Fired = true;
            await writer();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TTI_access_bumps_the_deadline_after_the_debounce_and_shows_the_pre_bump_value(bool large)
    {
        var tti = TimeSpan.FromHours(1);
        var start = Clock.GetUtcNow();
        await PutAsync(large ? Large() : Bytes(10), new ObjectMetadata { Expiration = ExpirationPolicy.TimeToIdle(tti) });
        Assert.Equal(start + tti, (await Storage.HeadAsync(Id, Ct))!.TimeExpires);

        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(start + tti, (await Storage.HeadAsync(Id, Ct))!.TimeExpires);
        Assert.Equal(start + tti, (await RowAsync()).Metadata!.TimeExpires);

        Clock.Advance(TimeSpan.FromMinutes(10));
        await using (var read = await Storage.GetAsync(Id, null, Ct))
            Assert.Equal(start + tti, read!.Metadata.TimeExpires);
        Assert.Equal(start + TimeSpan.FromMinutes(20) + tti, (await RowAsync()).Metadata!.TimeExpires);

        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await Storage.HeadAsync(Id, Ct));
        Assert.Equal(start + TimeSpan.FromMinutes(79) + tti, (await RowAsync()).Metadata!.TimeExpires);
        Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await Storage.HeadAsync(Id, Ct));
    }

    [Fact]
    public async Task TTL_and_manual_objects_are_never_bumped()
    {
        await PutAsync(Bytes(10), new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1)) });
        var deadline = (await RowAsync()).Metadata!.TimeExpires;
        Clock.Advance(TimeSpan.FromMinutes(50));
        Assert.NotNull(await ReadAsync());
        Assert.Equal(deadline, (await RowAsync()).Metadata!.TimeExpires);
    }
}
