using Npgsql;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.HighVolume;

/// <summary>A fresh PostgreSQL database for one test class, on the shared throwaway server.</summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.Shared;
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("storage"));
    }

    /// <summary>Empties the given tables so each test of the class starts clean (tests of one class run one at a time).</summary>
    public async Task TruncateAsync(params string[] tables)
    {
        await using var command = DataSource.CreateCommand($"TRUNCATE {string.Join(", ", tables)}");
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }
}
