using ObjectStore.Runtime.Reminders;

namespace ObjectStore.Runtime.Tests.Reminders;

public sealed class SqliteReminderTableTests : ReminderTableContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("objectstore-reminders-").FullName;
    private readonly List<SqliteReminderTable> _tables = [];

    protected override async Task<IReminderTable> CreateEmptyTableAsync()
    {
        var table = new SqliteReminderTable(Path.Combine(_directory, "reminders.db"));
        _tables.Add(table);
        await table.InitializeAsync(CancellationToken.None);
        return table;
    }

    [Fact]
    public async Task Rows_survive_reopening_the_file()
    {
        var path = Path.Combine(_directory, "durable.db");
        using (var first = new SqliteReminderTable(path))
        {
            await first.InitializeAsync(CancellationToken.None);
            await first.UpsertAsync("g", "k", "r", DateTimeOffset.UnixEpoch.AddDays(1), TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        using var second = new SqliteReminderTable(path);
        await second.InitializeAsync(CancellationToken.None);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), Assert.Single(await second.ListAsync("g", "k", CancellationToken.None)).NextDue);
    }

    [Fact]
    public async Task Two_tables_on_one_file_never_claim_the_same_tick()
    {
        // Separate instances have separate in-process gates: only SQLite's write lock keeps them apart,
        // as it would two processes sharing the file.
        var path = Path.Combine(_directory, "shared.db");
        using var first = new SqliteReminderTable(path);
        using var second = new SqliteReminderTable(path);
        await first.InitializeAsync(CancellationToken.None);
        await second.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UnixEpoch.AddDays(10);
        for (var i = 0; i < 60; i++)
            await first.UpsertAsync("g", $"k{i}", "r", now.AddSeconds(-i), TimeSpan.FromMinutes(1), CancellationToken.None);

        var claims = new[] { first, second, first, second }.Select(table => Task.Run(async () =>
        {
            var mine = new List<ReminderTick>();
            for (var round = 0; round < 100; round++)
            {
                var batch = await table.ClaimDueAsync(now, TimeSpan.FromHours(1), 3, CancellationToken.None);
                if (batch.Count == 0) break;
                mine.AddRange(batch);
            }
            return mine;
        })).ToArray();
        var all = (await Task.WhenAll(claims)).SelectMany(t => t).ToList();

        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Select(t => t.GrainKey).Distinct().Count());
    }

    public void Dispose()
    {
        foreach (var table in _tables) table.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
