namespace ObjectStore.Runtime.Tests.Hosting;

public sealed class ReminderTests
{
    [Fact]
    public async Task A_reminder_is_registered_fired_and_unregistered()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var key = cluster.KeyOwnedBy(cluster.Silos[1]);
        await cluster.Probe(key).Remind("tick", 200);

        Assert.Single(await cluster.Reminders.ListAsync("probe", key, CancellationToken.None));
        await Eventually.True(() => cluster.Tracker.ReminderTicks.GetValueOrDefault($"{key}/tick") >= 3, "the reminder fired three times");

        await cluster.Probe(key).Forget("tick");
        Assert.Empty(await cluster.Reminders.ListAsync("probe", key, CancellationToken.None));
        var atUnregister = cluster.Tracker.ReminderTicks[$"{key}/tick"];
        await Task.Delay(700);
        Assert.InRange(cluster.Tracker.ReminderTicks[$"{key}/tick"], atUnregister, atUnregister + 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reminders_keep_firing_after_the_owner_is_killed(bool postgres)
    {
        await using var cluster = postgres ? await TestCluster.StartPostgresAsync(3) : await TestCluster.StartAsync(3);
        var victim = cluster.Silos[2];
        var key = cluster.KeyOwnedBy(victim);
        await cluster.Probe(key).Remind("survive", 200);
        await Eventually.True(() => cluster.Tracker.ReminderTicks.GetValueOrDefault($"{key}/survive") >= 1, "the reminder fired");

        await cluster.KillAsync(victim);
        var atKill = cluster.Tracker.ReminderTicks[$"{key}/survive"];

        // Lease lapse, the dead claimant's claim lease and view propagation all come first, and a delivery
        // that still hit the dead silo waits out another claim lease: generous, since this asserts survival, not speed.
        await Eventually.True(() => cluster.Tracker.ReminderTicks[$"{key}/survive"] >= atKill + 3, "the reminder fires on survivors", timeoutMs: 30_000);
        Assert.NotEqual(victim.SiloId, await cluster.Probe(key).Silo());
    }

    [Fact]
    public async Task Each_tick_is_delivered_once_across_silos()
    {
        await using var cluster = await TestCluster.StartPostgresAsync(3);
        await Eventually.True(() => cluster.Silos.All(s => s.Runtime.Router.Placement.SiloCount == 3), "every silo sees all three");
        var keys = Enumerable.Range(0, 6).Select(i => $"once{i}").ToArray();
        foreach (var key in keys) await cluster.Probe(key).Remind("tick", 300);

        await Eventually.True(() => keys.All(k => cluster.Tracker.ReminderTicks.GetValueOrDefault($"{k}/tick") >= 4), "every reminder fired four times", 20_000);
        Assert.All(cluster.Tracker.ReminderDeliveries, d => Assert.Equal(1, d.Value));
    }

    [Fact]
    public async Task A_period_below_the_minimum_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => cluster.Probe("fast").Remind("tick", 10));
    }
}
