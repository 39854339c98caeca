using Microsoft.Data.Sqlite;
using Npgsql;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Sql;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.HighVolume;

/// <summary>HV store and change log together on one database, and what the schema guarantees.</summary>
public sealed class SqlStorageTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ObjectId Object = new("attachments", Scopes.Parse("org=1"), "k");

    private static ChangeEntry Change(int i) => new()
    {
        Id = Guid.NewGuid(),
        Object = Object,
        NewBlob = Object.WithKey($"k/rev-{i}"),
        Owner = "silo-a",
        RecordedAt = Now,
    };

    private static async Task ExerciseBothAsync(SqlStorage storage)
    {
        await storage.InitializeAsync(CancellationToken.None);
        await storage.InitializeAsync(CancellationToken.None);
        // Writers of both kinds interleave on the one database without stepping on each other.
        var writes = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var change = Change(i);
            await storage.ChangeLog.RecordAsync(change, CancellationToken.None);
            await storage.HighVolume.CompareAndWriteAsync(Object.WithKey($"k{i}"), null,
                new TieredWrite.WriteTombstone(new Tombstone(change.NewBlob!, new ObjectMetadata { Size = 2 << 20 })), Now, CancellationToken.None);
            await storage.ChangeLog.UpdatePhaseAsync(change.Id, ChangePhase.Updated, null, CancellationToken.None);
        }));
        await Task.WhenAll(writes);

        var entries = new List<ChangeEntry>();
        await foreach (var e in storage.ChangeLog.ListAsync(CancellationToken.None)) entries.Add(e);
        Assert.Equal(40, entries.Count);
        Assert.All(entries, e => Assert.Equal(ChangePhase.Updated, e.Phase));
        for (var i = 0; i < 40; i++)
        {
            var entry = await storage.HighVolume.ReadMetadataAsync(Object.WithKey($"k{i}"), Now, CancellationToken.None);
            Assert.Equal(Object.WithKey($"k/rev-{i}"), entry.Tombstone!.Target);
        }
    }

    [Fact]
    public async Task Sqlite_file_holds_both_stores_and_records_schema_versions()
    {
        using var dir = new TempDirectory();
        await ExerciseBothAsync(SqlStorage.OpenSqlite(dir.File("objectstore.db")));

        await using var connection = new SqliteConnection($"Data Source={dir.File("objectstore.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT component || ':' || version FROM schema_version ORDER BY component";
        var versions = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) versions.Add(reader.GetString(0));
        Assert.Equal(["change_log:1", "high_volume:1", "orleans:1"], versions);
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Postgres_database_holds_both_stores()
    {
        var server = await PostgresServer.Shared;
        await using var storage = SqlStorage.OpenPostgres(await server.CreateDatabaseAsync("sqlstorage"));
        await ExerciseBothAsync(storage);
    }

    [Fact]
    public async Task Silos_starting_together_migrate_one_postgres_database_once()
    {
        var server = await PostgresServer.Shared;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("sqlmigrate"));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SqlStorage.OpenPostgres(dataSource).InitializeAsync(CancellationToken.None))));
        await using var command = dataSource.CreateCommand("SELECT string_agg(component || ':' || version, ',' ORDER BY component) FROM schema_version");
        Assert.Equal("change_log:1,high_volume:1", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Postgres_rows_keep_nulls_for_absent_parts_and_key_the_table_by_hash()
    {
        var server = await PostgresServer.Shared;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("sqlnulls"));
        var store = new PostgresHighVolumeStore(dataSource);
        await store.InitializeAsync(CancellationToken.None);
        await store.PutInlineUnlessTombstoneAsync(Object, new ObjectMetadata(), new byte[] { 1 }, Now, CancellationToken.None);
        await store.CompareAndWriteAsync(Object.WithKey("large"), null,
            new TieredWrite.WriteTombstone(new Tombstone(Object.WithKey("large/rev"), new ObjectMetadata())), Now, CancellationToken.None);

        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE kind = 0 AND target_key IS NULL AND payload IS NOT NULL), " +
            "count(*) FILTER (WHERE kind = 1 AND target_key IS NOT NULL AND payload IS NULL), " +
            "bool_and(octet_length(id_hash) = 32) FROM hv_objects");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt64(1));
        Assert.True(reader.GetBoolean(2));
    }
}
