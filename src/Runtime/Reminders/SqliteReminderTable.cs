using Microsoft.Data.Sqlite;
using ObjectStore.Runtime.Sql;

namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// The embedded default <see cref="IReminderTable"/>: a SQLite file (table <c>runtime_reminders</c>,
/// WAL journal). Times are stored as microseconds since the Unix epoch. Every change runs in an
/// immediate (write-locked) transaction, so a claim's read and update are atomic even across
/// processes sharing the file; an in-process gate keeps this process's writers from busy-waiting
/// on each other.
/// </summary>
public sealed class SqliteReminderTable : IReminderTable, IDisposable
{
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE runtime_reminders (
            id            BLOB PRIMARY KEY,
            grain_hash    BLOB NOT NULL,
            grain_type    TEXT NOT NULL,
            grain_key     TEXT NOT NULL,
            name          TEXT NOT NULL,
            period_us     INTEGER NOT NULL CHECK (period_us > 0),
            next_due_us   INTEGER NOT NULL,
            claim_token   BLOB,
            claimed_until_us INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX runtime_reminders_next_due ON runtime_reminders (next_due_us);
        CREATE INDEX runtime_reminders_grain ON runtime_reminders (grain_hash);
        CREATE INDEX runtime_reminders_claimed_until ON runtime_reminders (claimed_until_us) WHERE claimed_until_us IS NOT NULL;
        """,
    ];

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Uses (and creates if missing) the SQLite database file at <paramref name="path"/>.</summary>
    public SqliteReminderTable(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using (var wal = conn.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }
        await WriteAsync(conn, async tx =>
        {
            await SchemaMigrator.MigrateAsync(conn, tx, "reminders", s_migrations, lockStatement: null, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(string grainType, string grainKey, string name, DateTimeOffset firstDue, TimeSpan period, CancellationToken cancellationToken)
    {
        ReminderSchedule.Validate(grainType, grainKey, name, firstDue, period);
        await using var conn = await OpenAsync(cancellationToken);
        await WriteAsync(conn, async tx =>
        {
            await using var cmd = Command(conn, tx,
                "INSERT INTO runtime_reminders (id, grain_hash, grain_type, grain_key, name, period_us, next_due_us) " +
                "VALUES (@id, @grain_hash, @grain_type, @grain_key, @name, @period_us, @next_due_us) " +
                "ON CONFLICT (id) DO UPDATE SET period_us = excluded.period_us, next_due_us = excluded.next_due_us, " +
                "claim_token = NULL, claimed_until_us = NULL");
            cmd.Parameters.Add("@id", SqliteType.Blob).Value = ReminderRowId.Of(grainType, grainKey, name);
            cmd.Parameters.Add("@grain_hash", SqliteType.Blob).Value = ReminderRowId.OfGrain(grainType, grainKey);
            cmd.Parameters.Add("@grain_type", SqliteType.Text).Value = grainType;
            cmd.Parameters.Add("@grain_key", SqliteType.Text).Value = grainKey;
            cmd.Parameters.Add("@name", SqliteType.Text).Value = name;
            cmd.Parameters.Add("@period_us", SqliteType.Integer).Value = ReminderSchedule.ToMicroseconds(period);
            cmd.Parameters.Add("@next_due_us", SqliteType.Integer).Value = ReminderSchedule.ToUnixMicroseconds(firstDue);
            return await cmd.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await WriteAsync(conn, async tx =>
        {
            await using var cmd = Command(conn, tx, "DELETE FROM runtime_reminders WHERE id = @id");
            cmd.Parameters.Add("@id", SqliteType.Blob).Value = ReminderRowId.Of(grainType, grainKey, name);
            return await cmd.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReminderEntry>> ListAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, null,
            "SELECT name, period_us, next_due_us FROM runtime_reminders " +
            "WHERE grain_hash = @grain_hash AND grain_type = @grain_type AND grain_key = @grain_key ORDER BY name");
        cmd.Parameters.Add("@grain_hash", SqliteType.Blob).Value = ReminderRowId.OfGrain(grainType, grainKey);
        cmd.Parameters.Add("@grain_type", SqliteType.Text).Value = grainType;
        cmd.Parameters.Add("@grain_key", SqliteType.Text).Value = grainKey;
        var list = new List<ReminderEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            list.Add(new ReminderEntry(grainType, grainKey, reader.GetString(0),
                ReminderSchedule.FromMicroseconds(reader.GetInt64(1)), ReminderSchedule.FromUnixMicroseconds(reader.GetInt64(2))));
        return list;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReminderTick>> ClaimDueAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        ReminderSchedule.ValidateClaim(claimFor, limit);
        var nowUs = ReminderSchedule.ToUnixMicroseconds(now);
        var untilUs = ReminderSchedule.ToUnixMicroseconds(now + claimFor);
        await using var conn = await OpenAsync(cancellationToken);
        return await WriteAsync(conn, async tx =>
        {
            var ticks = new List<(byte[] Id, ReminderTick Tick)>();
            await using (var select = Command(conn, tx,
                "SELECT id, grain_type, grain_key, name, next_due_us, period_us FROM runtime_reminders " +
                "WHERE next_due_us <= @now AND (claimed_until_us IS NULL OR claimed_until_us < @now) " +
                "ORDER BY next_due_us LIMIT @limit"))
            {
                select.Parameters.Add("@now", SqliteType.Integer).Value = nowUs;
                select.Parameters.Add("@limit", SqliteType.Integer).Value = limit;
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    ticks.Add(((byte[])reader.GetValue(0), new ReminderTick(reader.GetString(1), reader.GetString(2), reader.GetString(3),
                        ReminderSchedule.FromUnixMicroseconds(reader.GetInt64(4)), ReminderSchedule.FromMicroseconds(reader.GetInt64(5)), Guid.NewGuid())));
            }
            await using var claim = Command(conn, tx,
                "UPDATE runtime_reminders SET claim_token = @token, claimed_until_us = @until WHERE id = @id");
            var token = claim.Parameters.Add("@token", SqliteType.Blob);
            claim.Parameters.Add("@until", SqliteType.Integer).Value = untilUs;
            var id = claim.Parameters.Add("@id", SqliteType.Blob);
            foreach (var (rowId, tick) in ticks)
            {
                token.Value = tick.ClaimToken.ToByteArray();
                id.Value = rowId;
                await claim.ExecuteNonQueryAsync(cancellationToken);
            }
            return (IReadOnlyList<ReminderTick>)ticks.ConvertAll(t => t.Tick);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task AcknowledgeAsync(ReminderTick tick, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tick);
        await using var conn = await OpenAsync(cancellationToken);
        await WriteAsync(conn, async tx =>
        {
            // A token mismatch (lapsed and re-claimed, or the reminder replaced) makes this a no-op.
            await using var cmd = Command(conn, tx,
                "UPDATE runtime_reminders SET next_due_us = @next_due, claim_token = NULL, claimed_until_us = NULL " +
                "WHERE id = @id AND claim_token = @token");
            cmd.Parameters.Add("@next_due", SqliteType.Integer).Value =
                ReminderSchedule.ToUnixMicroseconds(ReminderSchedule.NextDueAfter(tick.DueAt, tick.Period, now));
            cmd.Parameters.Add("@id", SqliteType.Blob).Value = ReminderRowId.Of(tick.GrainType, tick.GrainKey, tick.Name);
            cmd.Parameters.Add("@token", SqliteType.Blob).Value = tick.ClaimToken.ToByteArray();
            return await cmd.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>A claimed row counts from its claim's end, so a loop sleeping on this never spins on ticks another silo holds.</remarks>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await using var cmd = Command(conn, null,
            "SELECT (SELECT min(next_due_us) FROM runtime_reminders WHERE claimed_until_us IS NULL), " +
            "       (SELECT min(claimed_until_us) FROM runtime_reminders WHERE claimed_until_us IS NOT NULL)");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        long? unclaimed = reader.IsDBNull(0) ? null : reader.GetInt64(0);
        long? claimed = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        long? earliest = unclaimed is null ? claimed : claimed is null ? unclaimed : Math.Min(unclaimed.Value, claimed.Value);
        return earliest is null ? null : ReminderSchedule.FromUnixMicroseconds(earliest.Value);
    }

    /// <summary>Releases the in-process write gate.</summary>
    public void Dispose() => _writeGate.Dispose();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var conn = new SqliteConnection(_connectionString);
        try
        {
            await conn.OpenAsync(cancellationToken);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private async Task<T> WriteAsync<T>(SqliteConnection conn, Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // deferred: false = BEGIN IMMEDIATE: the write lock is taken before the first read, so
            // another process cannot claim the same rows between our SELECT and UPDATE. (Microsoft.Data.Sqlite
            // has no truly asynchronous I/O; its async methods complete synchronously.)
            await using var tx = conn.BeginTransaction(deferred: false);
            var result = await work(tx);
            await tx.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection conn, SqliteTransaction? tx, string sql)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }
}
