using Npgsql;
using ObjectStore.Storage.Sql;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>The "orleans" migration component: applied once, recorded, and publishing every statement the providers require.</summary>
public sealed class OrleansSchemaTests
{
    // Every key Microsoft.Orleans.{Clustering,Reminders,Persistence}.AdoNet 10.4.2 look up
    // (read from the assemblies' DbStoredQueries and AdoNetGrainStorage).
    private static readonly string[] s_clusteringKeys =
    [
        "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipVersionKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "GatewaysQueryKey", "CleanupDefunctSiloEntryKey",
    ];

    private static readonly string[] s_reminderKeys =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private static readonly string[] s_grainStateKeys = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static async Task<NpgsqlDataSource> FreshDatabaseAsync()
    {
        var server = await PostgresServer.Shared;
        return NpgsqlDataSource.Create(await server.CreateDatabaseAsync("orleans_schema"));
    }

    [Fact]
    public async Task Migration_applies_twice_and_records_version_1_under_orleans()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None);
        await using (var seed = dataSource.CreateCommand("INSERT INTO orleans_membership_version (deployment_id, version) VALUES ('kept', 7)"))
            await seed.ExecuteNonQueryAsync();

        await OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None);

        await using var version = dataSource.CreateCommand("SELECT version FROM schema_version WHERE component = 'orleans'");
        Assert.Equal(1, await version.ExecuteScalarAsync());
        Assert.Single(OrleansSchema.Migrations);
        // The second run skipped the migration: data written between the runs is untouched.
        await using var kept = dataSource.CreateCommand("SELECT version FROM orleans_membership_version WHERE deployment_id = 'kept'");
        Assert.Equal(7, await kept.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migration_re_run_from_scratch_over_an_existing_schema_succeeds()
    {
        // The advisory lock and schema_version normally prevent it, but a migration must not
        // fail if it finds its own objects (e.g. schema_version restored from an older backup).
        await using var dataSource = await FreshDatabaseAsync();
        await OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None);
        await using (var forget = dataSource.CreateCommand("DELETE FROM schema_version WHERE component = 'orleans'"))
            await forget.ExecuteNonQueryAsync();

        await OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None);

        Assert.Equal(21, (await OrleansTestDatabase.LoadQueriesAsync(dataSource)).Count);
    }

    [Fact]
    public async Task Silos_migrating_at_once_all_succeed_and_apply_it_once()
    {
        await using var dataSource = await FreshDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None))));

        await using var version = dataSource.CreateCommand("SELECT version FROM schema_version WHERE component = 'orleans'");
        Assert.Equal(1, await version.ExecuteScalarAsync());
        Assert.Equal(21, (await OrleansTestDatabase.LoadQueriesAsync(dataSource)).Count);
    }

    [Fact]
    public async Task Every_query_key_the_providers_require_is_published()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None);

        // Loaded with the providers' own statement, so its unquoted names must resolve.
        var queries = await OrleansTestDatabase.LoadQueriesAsync(dataSource);

        var expected = s_clusteringKeys.Concat(s_reminderKeys).Concat(s_grainStateKeys).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, queries.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.All(queries.Values, text => Assert.False(string.IsNullOrWhiteSpace(text)));
        // The text survives publication verbatim, quotes and all.
        Assert.All(OrleansQueries.All, q => Assert.Equal(q.Value, queries[q.Key]));
        Assert.Contains("COALESCE(suspect_times, '')", queries["CleanupDefunctSiloEntryKey"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grain_storage_initialization_query_finds_its_four_statements()
    {
        await using var dataSource = await FreshDatabaseAsync();
        await OrleansSchema.MigratePostgresAsync(dataSource, null, CancellationToken.None);

        // AdoNetGrainStorage.DefaultInitializationQuery, verbatim.
        await using var command = dataSource.CreateCommand(
            "SELECT QueryKey, QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey' OR QueryKey = 'ReadFromStorageKey' OR QueryKey = 'ClearStorageKey' OR QueryKey = 'DeleteStorageKey'");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add((string)reader.GetValue(reader.GetOrdinal("QueryKey")));

        Assert.Equal(s_grainStateKeys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }
}
