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

    public void Dispose()
    {
        foreach (var table in _tables) table.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
