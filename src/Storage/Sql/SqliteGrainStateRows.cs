using System.Data;
using System.Data.Common;
using System.Globalization;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// Grain state rows (<c>orleans_grain_state</c>) in the SQLite file, one per (service, state name, grain),
/// with optimistic concurrency: a write or clear applies only when the caller's version is the stored
/// one (null: no row yet) and then advances the version by one.
/// </summary>
/// <remarks>
/// ### Conditional write (and clear)
/// 1. Take the file's writer gate and a <c>BEGIN IMMEDIATE</c> transaction.
/// 2. Read the stored version.
/// 3. Compare with the caller's version:
///    - equal (or both absent): write the payload (clear: NULL) with version + 1 (first write: 1); commit → applied.
///    - different: write nothing → stale, carrying the stored version.
/// </remarks>
public sealed class SqliteGrainStateRows
{
    private readonly SqliteDatabase _db;

    internal SqliteGrainStateRows(SqliteDatabase db) => _db = db;

    /// <summary>The stored state, or null when it was never written.</summary>
    public async Task<GrainStateRow?> ReadAsync(string serviceId, string stateName, string grainId, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null,
            "SELECT payload, version FROM orleans_grain_state WHERE service_id = @s AND state_name = @n AND grain_id = @g");
        Bind(command, serviceId, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new GrainStateRow(reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), FormatVersion(reader.GetInt64(1)));
    }

    /// <summary>Writes the state if <paramref name="expectedVersion"/> is the stored version (null: none stored yet).</summary>
    public Task<StateWriteResult> WriteAsync(string serviceId, string stateName, string grainId, string? expectedVersion,
        ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        WriteConditionalAsync(serviceId, stateName, grainId, expectedVersion, payload, cancellationToken);

    /// <summary>Clears the state (keeping its version counting) if <paramref name="expectedVersion"/> is the stored version.</summary>
    public Task<StateWriteResult> ClearAsync(string serviceId, string stateName, string grainId, string? expectedVersion,
        CancellationToken cancellationToken) =>
        WriteConditionalAsync(serviceId, stateName, grainId, expectedVersion, null, cancellationToken);

    private Task<StateWriteResult> WriteConditionalAsync(string serviceId, string stateName, string grainId, string? expectedVersion,
        ReadOnlyMemory<byte>? payload, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        return _db.WriteAsync(transactional: true, async (connection, transaction) =>
        {
            long? stored;
            await using (var read = SqlDatabase.Command(connection, transaction,
                "SELECT version FROM orleans_grain_state WHERE service_id = @s AND state_name = @n AND grain_id = @g"))
            {
                Bind(read, serviceId, stateName, grainId);
                stored = await read.ExecuteScalarAsync(cancellationToken) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
            }
            var storedText = stored is { } s ? FormatVersion(s) : null;
            if (!string.Equals(storedText, string.IsNullOrEmpty(expectedVersion) ? null : expectedVersion, StringComparison.Ordinal))
                return Attempt<StateWriteResult>.Done(StateWriteResult.Stale(storedText));

            var next = (stored ?? 0) + 1;
            await using var write = SqlDatabase.Command(connection, transaction,
                "INSERT INTO orleans_grain_state (service_id, state_name, grain_id, payload, version) VALUES (@s, @n, @g, @p, @v) " +
                "ON CONFLICT (service_id, state_name, grain_id) DO UPDATE SET payload = excluded.payload, version = excluded.version");
            Bind(write, serviceId, stateName, grainId);
            _db.AddPayload(write, "p", payload);
            SqlDatabase.Add(write, "v", DbType.Int64, next);
            await write.ExecuteNonQueryAsync(cancellationToken);
            return Attempt<StateWriteResult>.Done(StateWriteResult.Applied(FormatVersion(next)));
        }, cancellationToken);
    }

    private static void Bind(DbCommand command, string serviceId, string stateName, string grainId)
    {
        SqlDatabase.Add(command, "s", DbType.String, serviceId);
        SqlDatabase.Add(command, "n", DbType.String, stateName);
        SqlDatabase.Add(command, "g", DbType.String, grainId);
    }

    private static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);
}
