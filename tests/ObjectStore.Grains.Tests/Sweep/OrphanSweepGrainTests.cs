using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Sweep;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Sweep;

public sealed class OrphanSweepGrainTests
{
    private static async Task<ObjectId> LeakAsync(ILongTermStore lt, ObjectId id)
    {
        var revision = Revision.NewFor(id);
        await lt.PutAsync(revision, new ObjectMetadata(), new MemoryStream(new byte[50]), 50, CancellationToken.None);
        return revision;
    }

    [Fact]
    public async Task The_reminder_runs_the_sweep_which_deletes_orphans_keeps_live_blobs_and_logs_its_counts()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        var stores = new SharedStores(new InMemoryHighVolumeStore(), new InMemoryLongTermStore(clock), new InMemoryChangeLog());
        await using var cluster = await GrainsCluster.StartAsync(2, stores, s =>
        {
            s.Sweep.ReminderPeriod = TimeSpan.FromMilliseconds(200);
            s.Sweep.Grace = TimeSpan.FromMinutes(1);
        }, clock, logs);
        var live = new ObjectId("grains", Scopes.Empty, "live");
        var body = Gateway.Body(1, 3000);
        await Gateway.PutAsync(cluster.Object(live), cluster.LongTerm, body);
        var orphan = await LeakAsync(cluster.LongTerm, new ObjectId("grains", Scopes.Empty, "leaked"));
        await cluster.JoinAllAsync();
        clock.Advance(TimeSpan.FromHours(2));

        await ObjectStoreGrains.StartMaintenanceAsync(cluster.Silos[1].GrainFactory, CancellationToken.None);
        await Eventually.True(() => logs.Containing("Orphan sweep finished").Count > 0, "the orphan sweep logged its end");

        var line = logs.Containing("Orphan sweep finished")[0];
        Assert.Contains("listed 2", line);
        Assert.Contains("orphaned 1", line);
        Assert.Contains("deleted 1", line);
        Assert.Matches(@"in \d+ ms", line);
        var blobs = await cluster.AllBlobsAsync();
        Assert.DoesNotContain(orphan.StoragePath, blobs);
        Assert.Single(blobs);
        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(live), cluster.LongTerm));
    }

    [Fact]
    public async Task Sweep_now_reports_its_counts_across_silos()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var stores = new SharedStores(new InMemoryHighVolumeStore(), new InMemoryLongTermStore(clock), new InMemoryChangeLog());
        await using var cluster = await GrainsCluster.StartAsync(2, stores, time: clock);
        var old = await LeakAsync(cluster.LongTerm, new ObjectId("grains", Scopes.Empty, "old"));
        clock.Advance(TimeSpan.FromHours(2));
        await LeakAsync(cluster.LongTerm, new ObjectId("grains", Scopes.Empty, "young"));
        var sweeper = cluster.Silos[0].GrainFactory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key);

        var run = await sweeper.SweepNow();

        Assert.True(run.Completed);
        Assert.Equal((2, 1, 1, 1, 0), (run.Listed, run.Young, run.Orphaned, run.Deleted, run.Failed));
        Assert.DoesNotContain(old.StoragePath, await cluster.AllBlobsAsync());
    }

    [Fact]
    public void A_grace_below_the_minimum_is_rejected()
    {
        var services = new OrphanSweepGrainOptions { Grace = TimeSpan.FromSeconds(10) };
        Assert.Throws<ArgumentOutOfRangeException>(services.Validate);
    }
}
