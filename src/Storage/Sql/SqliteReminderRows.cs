using System.Data;
using System.Data.Common;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// Reminder rows (<c>orleans_reminders</c>) in the SQLite file: reads by grain, by name and by a range
/// of the grain-hash ring; upsert hands out a fresh version; delete is conditional on the version.
/// Writes queue on the file's writer gate like every other store on it.
/// </summary>
public sealed class SqliteReminderRows
{
    private const string Columns = "grain_id, name, start_ticks, period_ticks, version";

    private readonly SqliteDatabase _db;

    internal SqliteReminderRows(SqliteDatabase db) => _db = db;

    /// <summary>All reminders of one grain.</summary>
    public Task<IReadOnlyList<ReminderRow>> ReadGrainAsync(string serviceId, string grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = @s AND grain_id = @g", command =>
        {
            SqlDatabase.Add(command, "s", DbType.String, serviceId);
            SqlDatabase.Add(command, "g", DbType.String, grainId);
        }, cancellationToken);

    /// <summary>One reminder of a grain, or null.</summary>
    public async Task<ReminderRow?> ReadAsync(string serviceId, string grainId, string name, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = @s AND grain_id = @g AND name = @n", command =>
        {
            SqlDatabase.Add(command, "s", DbType.String, serviceId);
            SqlDatabase.Add(command, "g", DbType.String, grainId);
            SqlDatabase.Add(command, "n", DbType.String, name);
        }, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// The reminders whose grain hash lies in (<paramref name="begin"/>, <paramref name="end"/>]; when
    /// <paramref name="begin"/> &gt;= <paramref name="end"/> the range wraps past 2^32-1 to 0 (equal bounds: the whole ring).
    /// </summary>
    public Task<IReadOnlyList<ReminderRow>> ReadRangeAsync(string serviceId, uint begin, uint end, CancellationToken cancellationToken)
    {
        var condition = begin < end ? "grain_hash > @b AND grain_hash <= @e" : "(grain_hash > @b OR grain_hash <= @e)";
        return QueryAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = @s AND {condition}", command =>
        {
            SqlDatabase.Add(command, "s", DbType.String, serviceId);
            SqlDatabase.Add(command, "b", DbType.Int64, (long)begin);
            SqlDatabase.Add(command, "e", DbType.Int64, (long)end);
        }, cancellationToken);
    }

    /// <summary>Inserts or replaces a reminder; returns its new version. <c>grainHash</c> places it on the ring for <see cref="ReadRangeAsync"/>.</summary>
    public Task<string> UpsertAsync(string serviceId, string grainId, uint grainHash, string name, DateTimeOffset startAt, TimeSpan period,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        // A random version rather than a counter: a reminder deleted and re-created starts a new row, and
        // a counter restarting at 1 would let a version held from the old row delete the new one.
        var version = Guid.NewGuid().ToString("N");
        return _db.WriteAsync(transactional: false, async (connection, transaction) =>
        {
            await using var command = SqlDatabase.Command(connection, transaction,
                "INSERT INTO orleans_reminders (service_id, grain_id, name, grain_hash, start_ticks, period_ticks, version) " +
                "VALUES (@s, @g, @n, @h, @start, @period, @v) ON CONFLICT (service_id, grain_id, name) DO UPDATE SET " +
                "grain_hash = excluded.grain_hash, start_ticks = excluded.start_ticks, period_ticks = excluded.period_ticks, version = excluded.version");
            SqlDatabase.Add(command, "s", DbType.String, serviceId);
            SqlDatabase.Add(command, "g", DbType.String, grainId);
            SqlDatabase.Add(command, "n", DbType.String, name);
            SqlDatabase.Add(command, "h", DbType.Int64, (long)grainHash);
            SqlDatabase.Add(command, "start", DbType.Int64, startAt.UtcTicks);
            SqlDatabase.Add(command, "period", DbType.Int64, period.Ticks);
            SqlDatabase.Add(command, "v", DbType.String, version);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return Attempt<string>.Done(version);
        }, cancellationToken);
    }

    /// <summary>Deletes a reminder if its stored version is <paramref name="version"/>; false when absent or changed.</summary>
    public Task<bool> DeleteAsync(string serviceId, string grainId, string name, string version, CancellationToken cancellationToken) =>
        _db.WriteAsync(transactional: false, async (connection, transaction) =>
        {
            await using var command = SqlDatabase.Command(connection, transaction,
                "DELETE FROM orleans_reminders WHERE service_id = @s AND grain_id = @g AND name = @n AND version = @v");
            SqlDatabase.Add(command, "s", DbType.String, serviceId);
            SqlDatabase.Add(command, "g", DbType.String, grainId);
            SqlDatabase.Add(command, "n", DbType.String, name);
            SqlDatabase.Add(command, "v", DbType.String, version);
            return Attempt<bool>.Done(await command.ExecuteNonQueryAsync(cancellationToken) == 1);
        }, cancellationToken);

    /// <summary>Deletes every reminder of the service.</summary>
    public Task DeleteServiceAsync(string serviceId, CancellationToken cancellationToken) =>
        _db.WriteAsync(transactional: false, async (connection, transaction) =>
        {
            await using var command = SqlDatabase.Command(connection, transaction, "DELETE FROM orleans_reminders WHERE service_id = @s");
            SqlDatabase.Add(command, "s", DbType.String, serviceId);
            return Attempt<int>.Done(await command.ExecuteNonQueryAsync(cancellationToken));
        }, cancellationToken);

    private async Task<IReadOnlyList<ReminderRow>> QueryAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, sql);
        bind(command);
        var rows = new List<ReminderRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new ReminderRow(reader.GetString(0), reader.GetString(1),
                new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), TimeSpan.FromTicks(reader.GetInt64(3)), reader.GetString(4)));
        return rows;
    }
}
