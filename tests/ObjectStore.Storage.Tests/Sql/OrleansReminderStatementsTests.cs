using System.Data.Common;
using static ObjectStore.Storage.Tests.Sql.OrleansParameter;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>The reminder statements, run as Microsoft.Orleans.Reminders.AdoNet runs them.</summary>
public sealed class OrleansReminderStatementsTests(OrleansTestDatabase db) : IClassFixture<OrleansTestDatabase>
{
    private static readonly DateTime Start = new(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private sealed record Reminder(string GrainId, string ReminderName, DateTime StartTime, long Period, int Version);

    private static Reminder Read(DbDataReader r) =>
        new(r.Text("GrainId"), r.Text("ReminderName"), r.TimeOrNull("StartTime")!.Value, r.Period(), r.Version());

    private static string NewService() => $"service-{Guid.NewGuid():N}";

    // The provider binds Period as int when it fits, as long otherwise.
    private static OrleansParameter PeriodParameter(long ms) => ms <= int.MaxValue ? Int("Period", (int)ms) : Long("Period", ms);

    private async Task<int> UpsertAsync(string service, string grain, string name, int hash, long periodMs = 60_000, DateTime? start = null)
    {
        var versions = await db.QueryAsync("UpsertReminderRowKey", r => r.Version(),
            Str("ServiceId", service), Ansi("GrainId", grain), Str("ReminderName", name),
            Time("StartTime", start ?? Start), PeriodParameter(periodMs), Int("GrainHash", hash));
        return Assert.Single(versions);
    }

    private Task<bool> DeleteAsync(string service, string grain, string name, int version) => db.BooleanAsync("DeleteReminderRowKey",
        Str("ServiceId", service), Ansi("GrainId", grain), Str("ReminderName", name), Int("Version", version));

    private async Task<string[]> RangeAsync(string service, uint begin, uint end)
    {
        // The provider's choice between the two statements, on the hashes cast to int.
        var key = (int)begin < (int)end ? "ReadRangeRows1Key" : "ReadRangeRows2Key";
        var rows = await db.QueryAsync(key, Read, Str("ServiceId", service), Int("BeginHash", (int)begin), Int("EndHash", (int)end));
        return rows.Select(r => r.GrainId).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task Upsert_returns_a_version_and_bumps_it_on_every_rewrite()
    {
        var service = NewService();

        var first = await UpsertAsync(service, "grain/1", "tick", 10);
        var second = await UpsertAsync(service, "grain/1", "tick", 10, periodMs: 120_000, start: Start.AddMinutes(1));

        Assert.Equal(first + 1, second);
        var row = await db.QueryAsync("ReadReminderRowKey", Read, Str("ServiceId", service), Ansi("GrainId", "grain/1"), Str("ReminderName", "tick"));
        Assert.Equal([new Reminder("grain/1", "tick", Start.AddMinutes(1), 120_000, second)], row);
    }

    [Fact]
    public async Task Read_rows_and_row_return_the_grain_reminders_by_name()
    {
        var service = NewService();
        var a = await UpsertAsync(service, "grain/1", "a", 10);
        var b = await UpsertAsync(service, "grain/1", "b", 10, periodMs: 30L * 24 * 3600 * 1000);
        await UpsertAsync(service, "grain/2", "a", 20);
        await UpsertAsync(NewService(), "grain/1", "c", 10);

        var rows = await db.QueryAsync("ReadReminderRowsKey", Read, Str("ServiceId", service), Ansi("GrainId", "grain/1"));

        Assert.Equal(
            [new Reminder("grain/1", "a", Start, 60_000, a), new Reminder("grain/1", "b", Start, 30L * 24 * 3600 * 1000, b)],
            rows.OrderBy(r => r.ReminderName, StringComparer.Ordinal));
        Assert.Empty(await db.QueryAsync("ReadReminderRowKey", Read, Str("ServiceId", service), Ansi("GrainId", "grain/1"), Str("ReminderName", "missing")));
    }

    [Fact]
    public async Task Delete_with_the_wrong_version_returns_false_and_keeps_the_row()
    {
        var service = NewService();
        var version = await UpsertAsync(service, "grain/1", "tick", 10);

        Assert.False(await DeleteAsync(service, "grain/1", "tick", version + 1));
        Assert.Single(await db.QueryAsync("ReadReminderRowsKey", Read, Str("ServiceId", service), Ansi("GrainId", "grain/1")));

        Assert.True(await DeleteAsync(service, "grain/1", "tick", version));
        Assert.Empty(await db.QueryAsync("ReadReminderRowsKey", Read, Str("ServiceId", service), Ansi("GrainId", "grain/1")));
        Assert.False(await DeleteAsync(service, "grain/1", "tick", version));
    }

    [Fact]
    public async Task Range_queries_follow_the_ring_on_signed_hashes_including_the_wrap()
    {
        var service = NewService();
        // Ring positions as uint, stored as the provider's (int) cast.
        await UpsertAsync(service, "g-0", "r", (int)0u);
        await UpsertAsync(service, "g-100", "r", (int)100u);
        await UpsertAsync(service, "g-int-max", "r", (int)0x7FFF_FFFFu);
        await UpsertAsync(service, "g-int-min", "r", unchecked((int)0x8000_0000u));
        await UpsertAsync(service, "g-uint-max", "r", unchecked((int)0xFFFF_FFFFu));

        // (begin, end]: a plain interval inside the positive ints.
        Assert.Equal(["g-100"], await RangeAsync(service, 0u, 100u));
        // Crossing int.MaxValue as uint: (int)begin > (int)end, so the wrapping statement.
        Assert.Equal(["g-int-max", "g-int-min"], await RangeAsync(service, 100u, 0x8000_0000u));
        // Crossing uint.MaxValue -> 0: begin is negative as int, end positive, a plain interval on ints.
        Assert.Equal(["g-0", "g-100", "g-uint-max"], await RangeAsync(service, 0xFFFF_FFF0u, 100u));
        // Begin == end is the whole ring.
        Assert.Equal(5, (await RangeAsync(service, 7u, 7u)).Length);
        // Another service's reminders never show.
        Assert.Empty(await RangeAsync(NewService(), 7u, 7u));
    }

    [Fact]
    public async Task Delete_rows_removes_the_service_and_only_it()
    {
        var service = NewService();
        var other = NewService();
        await UpsertAsync(service, "grain/1", "a", 1);
        await UpsertAsync(service, "grain/2", "a", 2);
        await UpsertAsync(other, "grain/1", "a", 1);

        await db.ExecuteAsync("DeleteReminderRowsKey", Str("ServiceId", service));

        Assert.Empty(await RangeAsync(service, 0u, 0u));
        Assert.Equal(["grain/1"], await RangeAsync(other, 0u, 0u));
    }
}
