using System.Buffers;
using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>
/// The HV database alone: its own copy of the <c>hv_objects</c> table and, prepared, exactly the statements one small
/// PUT / GET / DELETE of the product runs (SqlHighVolumeStore's conditional upsert, point read and conditional delete),
/// with the same SHA-256 row key and a metadata blob of the codec's size.
/// </summary>
internal sealed class PostgresTarget : ILoadTarget
{
    /// <summary>The table, as PostgresHighVolumeStore's migration creates hv_objects.</summary>
    internal const string Table = "bench_hv_objects";

    private const string Schema =
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            id_hash bytea PRIMARY KEY,
            usecase bytea NOT NULL,
            scopes bytea NOT NULL,
            key bytea NOT NULL,
            kind smallint NOT NULL,
            target_usecase bytea,
            target_scopes bytea,
            target_key bytea,
            expires_at bigint,
            metadata bytea NOT NULL,
            payload bytea
        );
        ALTER TABLE {Table} ALTER COLUMN payload SET STORAGE EXTERNAL;
        CREATE INDEX IF NOT EXISTS {Table}_expires_at ON {Table} (expires_at) WHERE expires_at IS NOT NULL;
        """;

    // PutInlineUnlessTombstoneAsync: one upsert that leaves tombstones alone.
    internal const string Upsert =
        $"INSERT INTO {Table} (id_hash, usecase, scopes, key, kind, target_usecase, target_scopes, target_key, expires_at, metadata, payload) " +
        "VALUES (@h, @u, @s, @k, @kind, @tu, @ts, @tk, @exp, @meta, @payload) " +
        "ON CONFLICT (id_hash) DO UPDATE SET kind = excluded.kind, target_usecase = excluded.target_usecase, " +
        "target_scopes = excluded.target_scopes, target_key = excluded.target_key, expires_at = excluded.expires_at, " +
        $"metadata = excluded.metadata, payload = excluded.payload WHERE NOT ({Table}.kind = 1)";

    // HV ReadAsync: the point read with metadata and payload.
    internal const string Select =
        $"SELECT usecase, scopes, key, kind, target_usecase, target_scopes, target_key, expires_at, metadata, payload FROM {Table} WHERE id_hash = @h";

    // DeleteUnlessTombstoneAsync.
    internal const string Delete = $"DELETE FROM {Table} WHERE id_hash = @h AND NOT ({Table}.kind = 1)";

    /// <summary>The largest object the HV tier holds inline (the 1 MiB tier threshold).</summary>
    public const long InlineLimit = 1024 * 1024;

    // About the size of MetadataCodec's output for an object with a TTL and no custom metadata.
    internal static readonly byte[] s_metadata = Encoding.ASCII.GetBytes("{\"expiration\":\"ttl:1h\",\"created\":1763780000000000,\"type\":\"application/octet-stream\"}");

    private readonly NpgsqlDataSource _dataSource;

    private PostgresTarget(string uri, NpgsqlDataSource dataSource)
    {
        Uri = uri;
        _dataSource = dataSource;
    }

    public string Kind => "postgres";
    public string Uri { get; }
    public bool SupportsBatch => false;
    public long? MaxObjectSize => InlineLimit;

    /// <summary>Opens the database of <paramref name="connectionString"/> with a pool of at least <paramref name="concurrency"/> and creates the table.</summary>
    public static async Task<PostgresTarget> CreateAsync(string uri, string connectionString, int concurrency, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.MaxPoolSize = Math.Max(builder.MaxPoolSize, concurrency);
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(Schema, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
        return new PostgresTarget(uri, dataSource);
    }

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        ThrowIfTooLarge(item.Size);
        var key = ObjectStoreTarget.BatchKey(item.Seed);
        var (usecase, scopes, keyBytes, hash) = Id(spec.Name, item.Organization, key);
        // The product fills a pooled tier buffer from the request body; this fills one from the generator.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, item.Size));
        try
        {
            Payload.Fill(item.Seed, 0, buffer.AsSpan(0, (int)item.Size));
            await using var connection = await _dataSource.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(Upsert, connection);
            Bytes(command, "h", hash);
            Bytes(command, "u", usecase);
            Bytes(command, "s", scopes);
            Bytes(command, "k", keyBytes);
            command.Parameters.Add(new NpgsqlParameter<short>("kind", NpgsqlDbType.Smallint) { TypedValue = 0 });
            Bytes(command, "tu", null);
            Bytes(command, "ts", null);
            Bytes(command, "tk", null);
            var expires = spec.Ttl is { } ttl ? (object)((DateTimeOffset.UtcNow + ttl).ToUnixTimeMilliseconds() * 1000) : DBNull.Value;
            command.Parameters.Add(new NpgsqlParameter("exp", NpgsqlDbType.Bigint) { Value = expires });
            Bytes(command, "meta", s_metadata);
            command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("payload", NpgsqlDbType.Bytea) { TypedValue = buffer.AsMemory(0, (int)item.Size) });
            await command.PrepareAsync(ct);
            if (await command.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"write {key}: the upsert touched no row");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        var (usecase, scopes, key, hash) = Id(spec.Name, stored.Organization, stored.Key);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(Select, connection);
        Bytes(command, "h", hash);
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        await VerifyRowAsync(reader, stored, usecase, scopes, key, ct);
    }

    /// <summary>Reads the <see cref="Select"/> row as the HV store does and checks it is <paramref name="stored"/>'s, payload included.</summary>
    internal static async Task VerifyRowAsync(DbDataReader reader, StoredObject stored, byte[] usecase, byte[] scopes, byte[] key, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct)) throw new KeyNotFoundException($"read {stored.Key}: no row");
        if (!reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(usecase) || !reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(scopes)
            || !reader.GetFieldValue<byte[]>(2).AsSpan().SequenceEqual(key))
            throw new PayloadMismatchException($"read {stored.Key}: the row belongs to another id");
        _ = reader.GetInt16(3);
        _ = reader.GetFieldValue<byte[]>(8);
        var payload = await reader.IsDBNullAsync(9, ct) ? [] : reader.GetFieldValue<byte[]>(9);
        if (payload.Length != stored.Size) throw new PayloadMismatchException($"read {stored.Key}: {payload.Length} bytes came back, {stored.Size} were written");
        Payload.Verify($"read {stored.Key}", stored.Seed, 0, payload);
    }

    public async Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        var (_, _, _, hash) = Id(spec.Name, stored.Organization, stored.Key);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(Delete, connection);
        Bytes(command, "h", hash);
        await command.PrepareAsync(ct);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct) =>
        throw new NotSupportedException("postgres has no batch requests");

    public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) =>
        throw new NotSupportedException("postgres has no batch requests");

    internal static void ThrowIfTooLarge(long size)
    {
        if (size > InlineLimit)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"the postgres target holds objects up to {InlineLimit} bytes (the HV tier)");
    }

    // StoredId: UTF-8 parts, SHA-256 over len(u) u len(s) s len(k) k with 4-byte big-endian lengths.
    internal static (byte[] Usecase, byte[] Scopes, byte[] Key, byte[] Hash) Id(string usecase, int organization, string key)
    {
        var u = Encoding.UTF8.GetBytes(usecase);
        var s = Encoding.UTF8.GetBytes(ObjectStoreTarget.Scopes(organization));
        var k = Encoding.UTF8.GetBytes(key);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in (byte[][])[u, s, k])
        {
            BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            sha.AppendData(length);
            sha.AppendData(part);
        }
        return (u, s, k, sha.GetHashAndReset());
    }

    private static void Bytes(NpgsqlCommand command, string name, byte[]? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bytea) { Value = (object?)value ?? DBNull.Value });

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
