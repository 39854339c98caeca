using System.Data;
using Microsoft.Data.Sqlite;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>
/// The embedded HV database alone: a SQLite file in WAL mode with the pragmas SqliteDatabase sets on every connection, the
/// hv_objects table as SqliteHighVolumeStore creates it, and the same statements as <see cref="PostgresTarget"/> (one
/// per request, prepared, autocommit). Writers take one in-process gate, as the store does, instead of sleeping in
/// SQLite's busy handler; readers never wait (WAL snapshots).
/// </summary>
internal sealed class SqliteTarget : ILoadTarget
{
    private const string Table = PostgresTarget.Table;

    // The store's own table and per-connection pragmas, so the baseline cannot drift from what it measures against.
    private static readonly string Schema = SqliteHighVolumeStore.Schema(Table);
    private const string Pragmas = SqliteDatabase.ConnectionPragmas;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteTarget(string uri, string connectionString)
    {
        Uri = uri;
        _connectionString = connectionString;
    }

    public string Kind => "sqlite";
    public string Uri { get; }
    public bool SupportsBatch => false;
    public long? MaxObjectSize => PostgresTarget.InlineLimit;

    /// <summary>Opens (creating) the database file at <paramref name="path"/> in WAL mode and creates the table.</summary>
    public static async Task<SqliteTarget> CreateAsync(string uri, string path, CancellationToken ct)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        var target = new SqliteTarget(uri, connectionString);
        await using var connection = await target.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;" + Schema;
        await command.ExecuteNonQueryAsync(ct);
        return target;
    }

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        PostgresTarget.ThrowIfTooLarge(item.Size);
        var key = ObjectStoreTarget.BatchKey(item.Seed);
        var (usecase, scopes, keyBytes, hash) = PostgresTarget.Id(spec.Name, item.Organization, key);
        // Microsoft.Data.Sqlite binds whole arrays only, so the payload is an array of its size (the store does the same).
        var payload = new byte[item.Size];
        Payload.Fill(item.Seed, 0, payload);
        var rows = await ExecuteWriteAsync(PostgresTarget.Upsert, p =>
        {
            p.AddWithValue("@h", hash);
            p.AddWithValue("@u", usecase);
            p.AddWithValue("@s", scopes);
            p.AddWithValue("@k", keyBytes);
            p.AddWithValue("@kind", 0);
            p.AddWithValue("@tu", DBNull.Value);
            p.AddWithValue("@ts", DBNull.Value);
            p.AddWithValue("@tk", DBNull.Value);
            p.AddWithValue("@exp", spec.Ttl is { } ttl ? (DateTimeOffset.UtcNow + ttl).ToUnixTimeMilliseconds() * 1000 : DBNull.Value);
            p.AddWithValue("@meta", PostgresTarget.s_metadata);
            p.AddWithValue("@payload", payload);
        }, ct);
        if (rows != 1) throw new InvalidOperationException($"write {key}: the upsert touched no row");
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        var (usecase, scopes, key, hash) = PostgresTarget.Id(spec.Name, stored.Organization, stored.Key);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = PostgresTarget.Select;
        command.Parameters.AddWithValue("@h", hash);
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        await PostgresTarget.VerifyRowAsync(reader, stored, usecase, scopes, key, ct);
    }

    public async Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        var (_, _, _, hash) = PostgresTarget.Id(spec.Name, stored.Organization, stored.Key);
        await ExecuteWriteAsync(PostgresTarget.Delete, p => p.AddWithValue("@h", hash), ct);
    }

    // One prepared write statement under the writer gate, autocommit; its affected-row count.
    private async Task<int> ExecuteWriteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command.Parameters);
            await command.PrepareAsync(ct);
            return await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            _writer.Release();
        }
    }

    public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct) =>
        throw new NotSupportedException("sqlite has no batch requests");

    public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) =>
        throw new NotSupportedException("sqlite has no batch requests");

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = Pragmas;
            await pragma.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
