using Npgsql;
using NpgsqlTypes;
using ObjectStore.Runtime.Sql;

namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// The cluster's <see cref="IReminderTable"/> in PostgreSQL (table <c>runtime_reminders</c>).
/// Rows are keyed by a SHA-256 of (grain type, grain key, name) so keys of any length fit; due rows
/// are found through the <c>next_due</c> index and claimed with <c>FOR UPDATE SKIP LOCKED</c>, so
/// silos claiming at the same time never block on, or double-claim, the same tick.
/// </summary>
public sealed class PostgresReminderTable : IReminderTable
{
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE runtime_reminders (
            id            bytea PRIMARY KEY,
            grain_hash    bytea NOT NULL,
            grain_type    text NOT NULL,
            grain_key     text NOT NULL,
            name          text NOT NULL,
            period_us     bigint NOT NULL CHECK (period_us > 0),
            next_due      timestamptz NOT NULL,
            claim_token   uuid,
            claimed_until timestamptz
        );
        CREATE INDEX runtime_reminders_next_due ON runtime_reminders (next_due);
        CREATE INDEX runtime_reminders_grain ON runtime_reminders (grain_hash);
        CREATE INDEX runtime_reminders_claimed_until ON runtime_reminders (claimed_until) WHERE claimed_until IS NOT NULL;
        """,
    ];

    private const string UpsertSql =
        "INSERT INTO runtime_reminders (id, grain_hash, grain_type, grain_key, name, period_us, next_due) " +
        "VALUES (@id, @grain_hash, @grain_type, @grain_key, @name, @period_us, @next_due) " +
        "ON CONFLICT (id) DO UPDATE SET period_us = excluded.period_us, next_due = excluded.next_due, " +
        "claim_token = NULL, claimed_until = NULL";

    private const string DeleteSql = "DELETE FROM runtime_reminders WHERE id = @id";

    private const string ListSql =
        "SELECT name, period_us, next_due FROM runtime_reminders " +
        "WHERE grain_hash = @grain_hash AND grain_type = @grain_type AND grain_key = @grain_key ORDER BY name COLLATE \"C\"";

    // The inner SELECT locks the rows it picks and skips rows another claimant holds locked; a row
    // claimed and committed meanwhile is re-checked against the WHERE clause after locking, so a tick
    // can never be handed out twice while its claim holds.
    private const string ClaimSql =
        "WITH due AS (SELECT id FROM runtime_reminders " +
        "             WHERE next_due <= @now AND (claimed_until IS NULL OR claimed_until < @now) " +
        "             ORDER BY next_due LIMIT @limit FOR UPDATE SKIP LOCKED) " +
        "UPDATE runtime_reminders r SET claim_token = gen_random_uuid(), claimed_until = @until FROM due WHERE r.id = due.id " +
        "RETURNING r.grain_type, r.grain_key, r.name, r.next_due, r.period_us, r.claim_token";

    private const string AcknowledgeSql =
        "UPDATE runtime_reminders SET next_due = @next_due, claim_token = NULL, claimed_until = NULL " +
        "WHERE id = @id AND claim_token = @claim_token";

    // Two index probes: the earliest unclaimed row, and the earliest end of a claim (a claimed row's
    // next_due is already past, so it becomes claimable again only when its claim lapses).
    private const string NextDueSql =
        "SELECT LEAST((SELECT min(next_due) FROM runtime_reminders WHERE claimed_until IS NULL), " +
        "             (SELECT min(claimed_until) FROM runtime_reminders WHERE claimed_until IS NOT NULL))";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Uses <paramref name="dataSource"/> (owned by the caller, one per database).</summary>
    public PostgresReminderTable(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await SchemaMigrator.MigrateAsync(conn, tx, "reminders", s_migrations, PostgresSql.MigrationLock, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task UpsertAsync(string grainType, string grainKey, string name, DateTimeOffset firstDue, TimeSpan period, CancellationToken cancellationToken)
    {
        ReminderSchedule.Validate(grainType, grainKey, name, firstDue, period);
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(UpsertSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[]>("id", NpgsqlDbType.Bytea) { TypedValue = ReminderRowId.Of(grainType, grainKey, name) });
        cmd.Parameters.Add(new NpgsqlParameter<byte[]>("grain_hash", NpgsqlDbType.Bytea) { TypedValue = ReminderRowId.OfGrain(grainType, grainKey) });
        cmd.Parameters.Add(new NpgsqlParameter<string>("grain_type", NpgsqlDbType.Text) { TypedValue = grainType });
        cmd.Parameters.Add(new NpgsqlParameter<string>("grain_key", NpgsqlDbType.Text) { TypedValue = grainKey });
        cmd.Parameters.Add(new NpgsqlParameter<string>("name", NpgsqlDbType.Text) { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<long>("period_us", NpgsqlDbType.Bigint) { TypedValue = ReminderSchedule.ToMicroseconds(period) });
        cmd.Parameters.Add(Timestamp("next_due", firstDue));
        await cmd.PrepareAsync(cancellationToken);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(DeleteSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[]>("id", NpgsqlDbType.Bytea) { TypedValue = ReminderRowId.Of(grainType, grainKey, name) });
        await cmd.PrepareAsync(cancellationToken);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReminderEntry>> ListAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(ListSql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[]>("grain_hash", NpgsqlDbType.Bytea) { TypedValue = ReminderRowId.OfGrain(grainType, grainKey) });
        cmd.Parameters.Add(new NpgsqlParameter<string>("grain_type", NpgsqlDbType.Text) { TypedValue = grainType });
        cmd.Parameters.Add(new NpgsqlParameter<string>("grain_key", NpgsqlDbType.Text) { TypedValue = grainKey });
        await cmd.PrepareAsync(cancellationToken);
        var list = new List<ReminderEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            list.Add(new ReminderEntry(grainType, grainKey, reader.GetString(0),
                ReminderSchedule.FromMicroseconds(reader.GetInt64(1)), reader.GetFieldValue<DateTimeOffset>(2)));
        return list;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReminderTick>> ClaimDueAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        ReminderSchedule.ValidateClaim(claimFor, limit);
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(ClaimSql, conn);
        cmd.Parameters.Add(Timestamp("now", now));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        cmd.Parameters.Add(Timestamp("until", now + claimFor));
        await cmd.PrepareAsync(cancellationToken);
        var ticks = new List<ReminderTick>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ticks.Add(new ReminderTick(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), ReminderSchedule.FromMicroseconds(reader.GetInt64(4)), reader.GetGuid(5)));
        // RETURNING gives rows in no particular order; callers deliver the oldest first.
        ticks.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return ticks;
    }

    /// <inheritdoc/>
    public async Task AcknowledgeAsync(ReminderTick tick, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tick);
        // The claim token pins the row to the claimed (next_due, period): a replaced reminder has no
        // claim, a re-claimed tick has another token, and either way this acknowledgement is a no-op.
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(AcknowledgeSql, conn);
        cmd.Parameters.Add(Timestamp("next_due", ReminderSchedule.NextDueAfter(tick.DueAt, tick.Period, now)));
        cmd.Parameters.Add(new NpgsqlParameter<byte[]>("id", NpgsqlDbType.Bytea) { TypedValue = ReminderRowId.Of(tick.GrainType, tick.GrainKey, tick.Name) });
        cmd.Parameters.Add(new NpgsqlParameter<Guid>("claim_token", NpgsqlDbType.Uuid) { TypedValue = tick.ClaimToken });
        await cmd.PrepareAsync(cancellationToken);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>A claimed row counts from its claim's end, so a loop sleeping on this never spins on ticks another silo holds.</remarks>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(NextDueSql, conn);
        await cmd.PrepareAsync(cancellationToken);
        var value = await cmd.ExecuteScalarAsync(cancellationToken);
        return value is DateTime utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }

    private static NpgsqlParameter<DateTimeOffset> Timestamp(string name, DateTimeOffset value) =>
        new(name, NpgsqlDbType.TimestampTz) { TypedValue = ReminderSchedule.Normalize(value) };
}
