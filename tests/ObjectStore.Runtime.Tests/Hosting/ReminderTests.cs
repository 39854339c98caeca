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

    [Fact]
    public async Task Reminders_keep_firing_after_the_owner_is_killed()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var victim = cluster.Silos[2];
        var key = cluster.KeyOwnedBy(victim);
        await cluster.Probe(key).Remind("survive", 200);
        await Eventually.True(() => cluster.Tracker.ReminderTicks.GetValueOrDefault($"{key}/survive") >= 1, "the reminder fired");

        await cluster.KillAsync(victim);
        var atKill = cluster.Tracker.ReminderTicks[$"{key}/survive"];

        await Eventually.True(() => cluster.Tracker.ReminderTicks[$"{key}/survive"] >= atKill + 3, "the reminder fires on survivors");
        Assert.NotEqual(victim.SiloId, await cluster.Probe(key).Silo());
    }

    [Fact]
    public async Task A_period_below_the_minimum_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => cluster.Probe("fast").Remind("tick", 10));
    }
}
