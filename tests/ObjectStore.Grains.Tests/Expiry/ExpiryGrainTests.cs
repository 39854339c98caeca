using ObjectStore.Grains.Expiry;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Expiry;

public sealed class ExpiryGrainTests
{
    private static readonly ObjectInfo Ttl = new() { Expiration = "ttl:1m" };

    [Fact]
    public async Task Expired_objects_disappear_physically_after_the_expiry_grain_runs_on_its_reminder()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var stores = GrainsCluster.InMemoryStores();
        var hv = (InMemoryHighVolumeStore)stores.HighVolume;
        await using var cluster = await GrainsCluster.StartAsync(2, stores, s =>
        {
            s.Expiry.ReminderPeriod = TimeSpan.FromSeconds(1);
            s.Expiry.BatchSize = 2;
        }, clock);
        var kept = new ObjectId("grains", Scopes.Empty, "kept");
        var expiring = Enumerable.Range(0, 5).Select(i => new ObjectId("grains", Scopes.Empty, $"expiring-{i}")).ToArray();
        await Gateway.PutAsync(cluster.Object(kept), cluster.LongTerm, Gateway.Body(0, 3000));
        for (var i = 0; i < expiring.Length; i++) await Gateway.PutAsync(cluster.Object(expiring[i], i % 2), cluster.LongTerm, Gateway.Body(i + 1, i % 2 == 0 ? 2000 : 100), Ttl);
        Assert.Equal(6, hv.Count);
        Assert.Equal(4, (await cluster.AllBlobsAsync()).Count);

        clock.Advance(TimeSpan.FromMinutes(2));
        await ObjectStoreGrains.StartMaintenanceAsync(cluster.Silos[1].GrainFactory, CancellationToken.None);
        await Eventually.True(() => hv.Count == 1, "the expiry grain purged the expired rows");
        await cluster.JoinAllAsync();

        var blobs = await cluster.AllBlobsAsync();
        var keptRow = await hv.ReadMetadataAsync(kept, clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal([keptRow.Tombstone!.Target.StoragePath], blobs);
        foreach (var id in expiring) Assert.Equal(ObjectReadKind.NotFound, (await cluster.Object(id).Get()).Kind);
    }

    [Fact]
    public async Task A_purge_reports_what_it_deleted_in_bounded_batches()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var cluster = await GrainsCluster.StartAsync(1, s =>
        {
            s.Expiry.BatchSize = 2;
            s.Expiry.MaxBatchesPerRun = 2;
        }, clock);
        for (var i = 0; i < 5; i++) await Gateway.PutAsync(cluster.Object(new ObjectId("grains", Scopes.Empty, $"p-{i}")), cluster.LongTerm, Gateway.Body(i, i == 0 ? 2000 : 10), Ttl);
        clock.Advance(TimeSpan.FromMinutes(2));
        var expiry = cluster.Silos[0].GrainFactory.GetGrain<IExpiryGrain>(IExpiryGrain.Key);

        var first = await expiry.PurgeNow();
        var second = await expiry.PurgeNow();
        var third = await expiry.PurgeNow();

        Assert.Equal((2, 4), (first.Batches, first.InlineDeleted + first.TombstonesDeleted));
        Assert.Equal((1, 1), (second.Batches, second.InlineDeleted + second.TombstonesDeleted));
        Assert.Equal(1, first.TombstonesDeleted + second.TombstonesDeleted);
        Assert.Equal((1, 0), (third.Batches, third.InlineDeleted + third.TombstonesDeleted));
    }
}
