using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Tests.Objects;
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
            s.Sweep.ReminderPeriod = TimeSpan.FromSeconds(1);
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

    /// <summary>
    /// Orleans delivers a reminder's next tick only once the previous <c>ReceiveReminder</c> returned, and the grain
    /// is not reentrant: a tick that ran the sweep in its turn would hold both the reminder and every other call for
    /// the whole sweep. So, while a reminder-started sweep is held mid-way: further ticks (the reminder's own, every
    /// second, and direct ones) return at once, the grain answers other calls, and no second sweep starts.
    /// </summary>
    [Fact]
    public async Task A_tick_runs_the_sweep_in_the_background_so_its_reminder_is_acknowledged_while_the_sweep_runs()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        var hv = new PausingHighVolumeStore(new InMemoryHighVolumeStore());
        var stores = new SharedStores(hv, new InMemoryLongTermStore(clock), new InMemoryChangeLog());
        await using var cluster = await GrainsCluster.StartAsync(1, stores, s =>
        {
            s.Sweep.ReminderPeriod = TimeSpan.FromSeconds(1);
            s.Sweep.Grace = TimeSpan.FromMinutes(1);
        }, clock, logs);
        var orphan = await LeakAsync(cluster.LongTerm, new ObjectId("grains", Scopes.Empty, "leaked"));
        clock.Advance(TimeSpan.FromHours(2));
        hv.Pause(nameof(hv.ReadRedirectAsync));
        var sweeper = cluster.Silos[0].GrainFactory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key);

        await sweeper.EnsureReminder();
        await hv.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var tick = sweeper.AsReference<IRemindable>();
        for (var i = 0; i < 3; i++)
        {
            await tick.ReceiveReminder("sweep-orphans", default).WaitAsync(TimeSpan.FromSeconds(5));
            await sweeper.EnsureReminder().WaitAsync(TimeSpan.FromSeconds(5));
            await Task.Delay(500);
        }

        Assert.Empty(logs.Containing("Orphan sweep finished"));
        Assert.Contains(orphan.StoragePath, await cluster.AllBlobsAsync());
        hv.Gate.SetResult();
        await Eventually.True(() => logs.Containing("Orphan sweep finished").Count > 0, "the held sweep finished");
        Assert.DoesNotContain(orphan.StoragePath, await cluster.AllBlobsAsync());
        Assert.Contains("orphaned 1", logs.Containing("Orphan sweep finished")[0]);
    }

    private static async Task<ReminderEntry[]> RemindersAsync(GrainsCluster cluster) =>
        (await cluster.RemindersOfAsync(SweeperId(cluster))).ToArray();

    private static GrainId SweeperId(GrainsCluster cluster) =>
        cluster.Silos[0].GrainFactory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key).GetGrainId();

    /// <summary>Writes the sweep's reminder row as an earlier silo start left it.</summary>
    private static Task UpsertSweepReminderAsync(GrainsCluster cluster, DateTimeOffset due, TimeSpan period) =>
        cluster.Reminders.UpsertRow(new ReminderEntry { GrainId = SweeperId(cluster), ReminderName = "sweep-orphans", StartAt = due.UtcDateTime, Period = period });

    [Fact]
    public async Task Disabling_the_sweep_removes_its_reminder()
    {
        ObjectStoreGrainServices? services = null;
        await using var cluster = await GrainsCluster.StartAsync(1, s => services = s);
        var sweeper = cluster.Silos[0].GrainFactory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key);
        await sweeper.EnsureReminder();
        var registered = Assert.Single(await RemindersAsync(cluster));
        Assert.Equal(("sweep-orphans", new OrphanSweepGrainOptions().ReminderPeriod), (registered.ReminderName, registered.Period));

        services!.Sweep.Enabled = false;
        await sweeper.EnsureReminder();

        Assert.Empty(await RemindersAsync(cluster));
    }

    [Fact]
    public async Task A_silo_start_keeps_the_next_due_time_of_an_existing_reminder_with_the_configured_period()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var due = DateTimeOffset.UtcNow.AddHours(5);
        var period = new OrphanSweepGrainOptions().ReminderPeriod;
        await UpsertSweepReminderAsync(cluster, due, period);

        await ObjectStoreGrains.StartMaintenanceAsync(cluster.Silos[0].GrainFactory, CancellationToken.None);

        var entry = Assert.Single(await RemindersAsync(cluster));
        Assert.Equal((period, due.UtcDateTime), (entry.Period, entry.StartAt));
    }

    [Fact]
    public async Task A_changed_interval_replaces_the_reminder()
    {
        await using var cluster = await GrainsCluster.StartAsync(1, s => s.Sweep.ReminderPeriod = TimeSpan.FromHours(1));
        await UpsertSweepReminderAsync(cluster, DateTimeOffset.UtcNow.AddHours(5), TimeSpan.FromHours(6));

        await ObjectStoreGrains.StartMaintenanceAsync(cluster.Silos[0].GrainFactory, CancellationToken.None);

        var entry = Assert.Single(await RemindersAsync(cluster));
        Assert.Equal(TimeSpan.FromHours(1), entry.Period);
        Assert.True(entry.StartAt <= DateTime.UtcNow.AddHours(1), $"next due {entry.StartAt:O}");
    }

    [Fact]
    public void A_grace_below_the_minimum_is_rejected()
    {
        var services = new OrphanSweepGrainOptions { Grace = TimeSpan.FromSeconds(10) };
        Assert.Throws<ArgumentOutOfRangeException>(services.Validate);
    }

    [Fact]
    public async Task A_sweep_stopped_by_a_failure_resumes_from_its_saved_position_on_another_activation()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var listing = new ListingBreaksOnce(new InMemoryLongTermStore(clock), blobs: 5);
        var stores = new SharedStores(new InMemoryHighVolumeStore(), listing, new InMemoryChangeLog());
        await using var cluster = await GrainsCluster.StartAsync(2, stores, s => s.Sweep.PageSize = 2, clock);
        var orphans = new List<ObjectId>();
        for (var i = 0; i < 8; i++) orphans.Add(await LeakAsync(listing, new ObjectId("grains", Scopes.Empty, $"leak-{i}")));
        clock.Advance(TimeSpan.FromHours(2));

        var sweep = cluster.Silos[0].GrainFactory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key);
        var first = await sweep.SweepNow();
        Assert.False(first.Completed);
        Assert.Equal(4, first.Deleted);   // two whole pages; the third broke before it was judged

        // A new activation (as after the sweeping silo died) reads the position from grain state.
        await cluster.Silos[0].GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var second = await cluster.Silos[1].GrainFactory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key).SweepNow();
        Assert.True(second.Resumed);
        Assert.True(second.Completed);
        Assert.Equal(4, second.Deleted);
        Assert.Equal(8, second.Listed);   // the interrupted run's 4 plus the 4 after its position
        Assert.Null(listing.Starts[0]);
        Assert.Equal(orphans.Select(o => o.StoragePath).Order(StringComparer.Ordinal).ElementAt(3), listing.Starts[1]);
        Assert.Empty(await cluster.AllBlobsAsync());

        // Completed, the position is cleared: the next sweep starts from the beginning.
        var third = await sweep.SweepNow();
        Assert.False(third.Resumed);
        Assert.Null(listing.Starts[2]);
    }
}
