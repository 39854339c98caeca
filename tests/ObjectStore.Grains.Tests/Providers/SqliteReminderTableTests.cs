using Microsoft.Extensions.Options;
using ObjectStore.Grains.Providers;
using ObjectStore.Storage.Sql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ObjectStore.Grains.Tests.Providers;

/// <summary>The <see cref="IReminderTable"/> contract on the HV SQLite file.</summary>
public sealed class SqliteReminderTableTests : IDisposable
{
    private static readonly DateTime Start = new(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<SqliteReminderTable> StartTableAsync(string serviceId = "svc")
    {
        var table = new SqliteReminderTable(SqlStorage.OpenSqlite(_dir.File("hv.db")).ClusterState!,
            Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "c" }));
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan? period = null) =>
        new() { GrainId = grain, ReminderName = name, StartAt = Start, Period = period ?? TimeSpan.FromMinutes(1) };

    private static GrainId Grain(string key) => GrainId.Create("probe", key);

    [Fact]
    public async Task Upserted_reminder_reads_back_with_its_etag()
    {
        var table = await StartTableAsync();
        var grain = Grain("a");
        var etag = await table.UpsertRow(Entry(grain, "tick", TimeSpan.FromSeconds(90)));

        var row = await table.ReadRow(grain, "tick");
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("tick", row.ReminderName);
        Assert.Equal(Start, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromSeconds(90), row.Period);
        Assert.Equal(etag, row.ETag);
        Assert.Null(await table.ReadRow(grain, "other"));
    }

    [Fact]
    public async Task Unspecified_start_time_is_taken_as_utc()
    {
        var table = await StartTableAsync();
        var entry = Entry(Grain("a"), "tick");
        entry.StartAt = DateTime.SpecifyKind(Start, DateTimeKind.Unspecified);
        await table.UpsertRow(entry);

        Assert.Equal(Start, (await table.ReadRow(Grain("a"), "tick"))!.StartAt);
    }

    [Fact]
    public async Task Remove_needs_the_current_etag()
    {
        var table = await StartTableAsync();
        var grain = Grain("a");
        var first = await table.UpsertRow(Entry(grain, "tick"));
        var second = await table.UpsertRow(Entry(grain, "tick", TimeSpan.FromMinutes(5)));
        Assert.NotEqual(first, second);

        Assert.False(await table.RemoveRow(grain, "tick", first!));
        Assert.NotNull(await table.ReadRow(grain, "tick"));
        Assert.True(await table.RemoveRow(grain, "tick", second!));
        Assert.Null(await table.ReadRow(grain, "tick"));
        Assert.False(await table.RemoveRow(grain, "tick", second!));
    }

    [Fact]
    public async Task Rows_of_a_grain_are_all_its_reminders_and_no_others()
    {
        var table = await StartTableAsync();
        await table.UpsertRow(Entry(Grain("a"), "one"));
        await table.UpsertRow(Entry(Grain("a"), "two"));
        await table.UpsertRow(Entry(Grain("b"), "one"));

        var rows = await table.ReadRows(Grain("a"));
        Assert.Equal(["one", "two"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(Grain("a"), r.GrainId));
    }

    [Fact]
    public async Task Range_read_is_begin_exclusive_end_inclusive_and_wraps()
    {
        var table = await StartTableAsync();
        var grains = Enumerable.Range(0, 12).Select(i => Grain($"g{i}")).OrderBy(g => g.GetUniformHashCode()).ToArray();
        foreach (var g in grains) await table.UpsertRow(Entry(g, "r"));
        var hashes = grains.Select(g => g.GetUniformHashCode()).ToArray();

        async Task<GrainId[]> Range(uint begin, uint end) =>
            [.. (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId).OrderBy(g => g.GetUniformHashCode())];

        // (hash[2], hash[5]] holds grains 3, 4, 5.
        Assert.Equal(grains[3..6], await Range(hashes[2], hashes[5]));
        // Wrapping (hash[9], hash[1]]: grains 10, 11, then 0, 1.
        Assert.Equal([grains[0], grains[1], grains[10], grains[11]], await Range(hashes[9], hashes[1]));
        // Equal bounds cover the ring.
        Assert.Equal(grains, await Range(hashes[4], hashes[4]));
    }

    [Fact]
    public async Task Clearing_the_table_clears_only_this_service()
    {
        var table = await StartTableAsync();
        var other = await StartTableAsync("other-service");
        await table.UpsertRow(Entry(Grain("a"), "tick"));
        await other.UpsertRow(Entry(Grain("a"), "tick"));

        await table.TestOnlyClearTable();

        Assert.Empty((await table.ReadRows(Grain("a"))).Reminders);
        Assert.Single((await other.ReadRows(Grain("a"))).Reminders);
    }
}
