using ObjectStore.Runtime.Reminders;

namespace ObjectStore.Runtime.Tests.Reminders;

/// <summary>The behaviour every reminder table must show; run once per implementation.</summary>
public abstract class ReminderTableContract
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongClaim = TimeSpan.FromHours(1);
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>An initialized table holding no reminders.</summary>
    protected abstract Task<IReminderTable> CreateEmptyTableAsync();

    [Fact]
    public async Task Upserted_reminders_are_listed_replaced_and_deleted()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("counter", "a", "tick", T0, Period, None);
        await table.UpsertAsync("counter", "a", "flush", T0.AddSeconds(5), TimeSpan.FromMinutes(2), None);
        await table.UpsertAsync("counter", "b", "tick", T0, Period, None);

        var a = await table.ListAsync("counter", "a", None);
        Assert.Equal(
            [new ReminderEntry("counter", "a", "flush", TimeSpan.FromMinutes(2), T0.AddSeconds(5)), new ReminderEntry("counter", "a", "tick", Period, T0)],
            a);

        await table.UpsertAsync("counter", "a", "tick", T0.AddHours(1), TimeSpan.FromSeconds(30), None);
        var replaced = Assert.Single(await table.ListAsync("counter", "a", None), e => e.Name == "tick");
        Assert.Equal((TimeSpan.FromSeconds(30), T0.AddHours(1)), (replaced.Period, replaced.NextDue));

        await table.DeleteAsync("counter", "a", "tick", None);
        await table.DeleteAsync("counter", "a", "never-registered", None);
        Assert.Equal(["flush"], (await table.ListAsync("counter", "a", None)).Select(e => e.Name));
        Assert.Single(await table.ListAsync("counter", "b", None));
        Assert.Empty(await table.ListAsync("other-type", "a", None));
    }

    [Fact]
    public async Task Only_due_reminders_are_claimed_oldest_first()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "later", "r", T0.AddSeconds(30), Period, None);
        await table.UpsertAsync("g", "second", "r", T0.AddSeconds(-1), Period, None);
        await table.UpsertAsync("g", "first", "r", T0.AddSeconds(-5), Period, None);
        await table.UpsertAsync("g", "exactly-now", "r", T0, Period, None);

        var ticks = await table.ClaimDueAsync(T0, LongClaim, 10, None);

        Assert.Equal(["first", "second", "exactly-now"], ticks.Select(t => t.GrainKey));
        Assert.Equal(T0.AddSeconds(-5), ticks[0].DueAt);
        Assert.Equal(Period, ticks[0].Period);
        Assert.All(ticks, t => Assert.NotEqual(Guid.Empty, t.ClaimToken));
        Assert.Equal(3, ticks.Select(t => t.ClaimToken).Distinct().Count());
    }

    [Fact]
    public async Task The_claim_limit_is_respected()
    {
        var table = await CreateEmptyTableAsync();
        for (var i = 0; i < 5; i++)
            await table.UpsertAsync("g", $"k{i}", "r", T0.AddSeconds(-i), Period, None);

        Assert.Equal(2, (await table.ClaimDueAsync(T0, LongClaim, 2, None)).Count);
        Assert.Equal(3, (await table.ClaimDueAsync(T0, LongClaim, 10, None)).Count);
        Assert.Empty(await table.ClaimDueAsync(T0, LongClaim, 10, None));
    }

    [Fact]
    public async Task A_held_claim_is_not_claimed_again_but_a_lapsed_one_is()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "k", "r", T0, Period, None);

        var first = Assert.Single(await table.ClaimDueAsync(T0, TimeSpan.FromSeconds(5), 10, None));
        Assert.Empty(await table.ClaimDueAsync(T0.AddSeconds(4), TimeSpan.FromSeconds(5), 10, None));

        var again = Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(6), TimeSpan.FromSeconds(5), 10, None));
        Assert.Equal(first.DueAt, again.DueAt);
        Assert.NotEqual(first.ClaimToken, again.ClaimToken);
    }

    [Fact]
    public async Task Concurrent_claimants_get_every_due_tick_exactly_once()
    {
        var table = await CreateEmptyTableAsync();
        const int rows = 120;
        for (var i = 0; i < rows; i++)
            await table.UpsertAsync("g", $"key-{i}", "r", T0.AddMilliseconds(-i), Period, None);

        var claimants = Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            var mine = new List<ReminderTick>();
            for (var round = 0; round < 200; round++)
            {
                var batch = await table.ClaimDueAsync(T0, LongClaim, 7, None);
                if (batch.Count == 0) break;
                mine.AddRange(batch);
            }
            return mine;
        })).ToArray();
        var all = (await Task.WhenAll(claimants)).SelectMany(t => t).ToList();

        Assert.Equal(rows, all.Count);
        Assert.Equal(rows, all.Select(t => t.GrainKey).Distinct().Count());
        Assert.Empty(await table.ClaimDueAsync(T0, LongClaim, 1000, None));
    }

    [Fact]
    public async Task Acknowledging_advances_to_the_next_grid_point_after_now()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "k", "r", T0, Period, None);

        var tick = Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(1), LongClaim, 10, None));
        await table.AcknowledgeAsync(tick, T0.AddSeconds(1), None);
        Assert.Equal(T0.AddSeconds(10), (await table.ListAsync("g", "k", None))[0].NextDue);

        // Claimable again once due, not before; the claim was cleared by the acknowledgement.
        Assert.Empty(await table.ClaimDueAsync(T0.AddSeconds(9), LongClaim, 10, None));
        var next = Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(10), LongClaim, 10, None));
        Assert.Equal(T0.AddSeconds(10), next.DueAt);

        // Acknowledged exactly on a grid point: the next one is strictly later.
        await table.AcknowledgeAsync(next, T0.AddSeconds(20), None);
        Assert.Equal(T0.AddSeconds(30), (await table.ListAsync("g", "k", None))[0].NextDue);
    }

    [Fact]
    public async Task Missed_ticks_are_skipped_not_replayed()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "k", "r", T0, Period, None);

        var tick = Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(35), LongClaim, 10, None));
        Assert.Equal(T0, tick.DueAt);
        await table.AcknowledgeAsync(tick, T0.AddSeconds(35), None);

        Assert.Equal(T0.AddSeconds(40), (await table.ListAsync("g", "k", None))[0].NextDue);
        Assert.Empty(await table.ClaimDueAsync(T0.AddSeconds(39), LongClaim, 10, None));
    }

    [Fact]
    public async Task An_acknowledgement_with_a_stale_claim_token_is_ignored()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "k", "r", T0, Period, None);
        var stale = Assert.Single(await table.ClaimDueAsync(T0, TimeSpan.FromSeconds(5), 10, None));
        var current = Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(6), TimeSpan.FromSeconds(5), 10, None));

        await table.AcknowledgeAsync(stale, T0.AddSeconds(7), None);
        Assert.Equal(T0, (await table.ListAsync("g", "k", None))[0].NextDue);
        Assert.Empty(await table.ClaimDueAsync(T0.AddSeconds(8), TimeSpan.FromSeconds(5), 10, None));

        await table.AcknowledgeAsync(current, T0.AddSeconds(8), None);
        Assert.Equal(T0.AddSeconds(10), (await table.ListAsync("g", "k", None))[0].NextDue);
    }

    [Fact]
    public async Task Replacing_a_claimed_reminder_voids_the_claim()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "k", "r", T0, Period, None);
        var tick = Assert.Single(await table.ClaimDueAsync(T0, LongClaim, 10, None));

        await table.UpsertAsync("g", "k", "r", T0.AddSeconds(2), TimeSpan.FromSeconds(3), None);
        await table.AcknowledgeAsync(tick, T0.AddSeconds(1), None);

        var entry = Assert.Single(await table.ListAsync("g", "k", None));
        Assert.Equal((TimeSpan.FromSeconds(3), T0.AddSeconds(2)), (entry.Period, entry.NextDue));
        Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(2), LongClaim, 10, None));
    }

    [Fact]
    public async Task Long_and_unicode_keys_are_stored_whole_and_kept_apart()
    {
        var table = await CreateEmptyTableAsync();
        var longKey = string.Concat(Enumerable.Repeat("schlüssel/🔑/", 900));
        var sibling = longKey[..^1] + "X";
        var longName = new string('n', 2000);
        var longType = "type." + new string('t', 500);
        await table.UpsertAsync(longType, longKey, longName, T0, Period, None);
        await table.UpsertAsync(longType, sibling, longName, T0.AddSeconds(1), Period, None);

        var entry = Assert.Single(await table.ListAsync(longType, longKey, None));
        Assert.Equal((longType, longKey, longName, T0), (entry.GrainType, entry.GrainKey, entry.Name, entry.NextDue));

        var ticks = await table.ClaimDueAsync(T0.AddSeconds(1), LongClaim, 10, None);
        Assert.Equal([longKey, sibling], ticks.Select(t => t.GrainKey));
        await table.AcknowledgeAsync(ticks[0], T0.AddSeconds(1), None);
        Assert.Equal(T0.AddSeconds(10), Assert.Single(await table.ListAsync(longType, longKey, None)).NextDue);

        await table.DeleteAsync(longType, longKey, longName, None);
        Assert.Empty(await table.ListAsync(longType, longKey, None));
        Assert.Single(await table.ListAsync(longType, sibling, None));
    }

    [Fact]
    public async Task Next_due_is_the_earliest_time_anything_becomes_claimable()
    {
        var table = await CreateEmptyTableAsync();
        Assert.Null(await table.NextDueAsync(None));

        await table.UpsertAsync("g", "a", "r", T0.AddSeconds(20), Period, None);
        await table.UpsertAsync("g", "b", "r", T0.AddSeconds(5), Period, None);
        Assert.Equal(T0.AddSeconds(5), await table.NextDueAsync(None));

        // b is claimed until T0 + 5 + 60 s; a at T0 + 20 s comes first now.
        Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(5), TimeSpan.FromSeconds(60), 10, None));
        Assert.Equal(T0.AddSeconds(20), await table.NextDueAsync(None));
        Assert.Single(await table.ClaimDueAsync(T0.AddSeconds(20), TimeSpan.FromSeconds(60), 10, None));
        Assert.Equal(T0.AddSeconds(65), await table.NextDueAsync(None));
    }

    [Fact]
    public async Task Invalid_registrations_are_rejected_and_store_nothing()
    {
        var table = await CreateEmptyTableAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.UpsertAsync("g", "k", "r", T0, TimeSpan.Zero, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.UpsertAsync("g", "k", "r", T0, TimeSpan.FromSeconds(-1), None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => table.UpsertAsync("g", "k", "", T0, Period, None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => table.UpsertAsync("", "k", "r", T0, Period, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.ClaimDueAsync(T0, TimeSpan.Zero, 10, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => table.ClaimDueAsync(T0, LongClaim, 0, None));
        Assert.Empty(await table.ListAsync("g", "k", None));
        Assert.Null(await table.NextDueAsync(None));
    }

    [Fact]
    public async Task Initializing_twice_keeps_the_rows()
    {
        var table = await CreateEmptyTableAsync();
        await table.UpsertAsync("g", "k", "r", T0, Period, None);
        await table.InitializeAsync(None);
        Assert.Single(await table.ListAsync("g", "k", None));
    }
}
