using Npgsql;
using ObjectStore.Runtime.Reminders;
using ObjectStore.Testing;

namespace ObjectStore.Runtime.Tests.Reminders;

/// <summary>One fresh database for the PostgreSQL reminder tests.</summary>
public sealed class ReminderDatabase : IAsyncLifetime
{
    /// <summary>The data source of the fresh database.</summary>
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.Shared;
        DataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("reminders"));
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}

public sealed class PostgresReminderTableTests(ReminderDatabase database) : ReminderTableContract, IClassFixture<ReminderDatabase>
{
    protected override async Task<IReminderTable> CreateEmptyTableAsync()
    {
        var table = new PostgresReminderTable(database.DataSource);
        await table.InitializeAsync(CancellationToken.None);
        // Tests of one class run one at a time; each starts from an empty table.
        await using var cmd = database.DataSource.CreateCommand("TRUNCATE runtime_reminders");
        await cmd.ExecuteNonQueryAsync();
        return table;
    }

    [Fact]
    public async Task Silos_initializing_at_once_create_the_schema_once()
    {
        var tables = Enumerable.Range(0, 6).Select(_ => new PostgresReminderTable(database.DataSource)).ToArray();
        await Task.WhenAll(tables.Select(t => t.InitializeAsync(CancellationToken.None)));
        await using var cmd = database.DataSource.CreateCommand("SELECT version FROM runtime_schema_versions WHERE component = 'reminders'");
        Assert.Equal(1, await cmd.ExecuteScalarAsync());
    }
}
