using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// The durable change log on a SQL table (<c>change_log</c>) in the HV database, shared by SQLite and
/// PostgreSQL. Object ids are stored as their (usecase, scopes, key) parts. Recovery claims entries with
/// one conditional UPDATE whose row selection skips rows another claimant holds (PostgreSQL:
/// <c>FOR UPDATE SKIP LOCKED</c>; SQLite: the single writer), and re-checks each row's claim, so two
/// claimants never get the same entry while a claim (<c>claimed_until</c>) is in force.
/// </summary>
public abstract class SqlChangeLog : IChangeLog
{
    private const string Columns =
        "id, usecase, scopes, key, new_usecase, new_scopes, new_key, old_usecase, old_scopes, old_key, phase, cleanup_after, owner, recorded_at";

    private readonly SqlDatabase _db;
    private readonly ILogger _logger;

    private protected SqlChangeLog(SqlDatabase db, ILogger logger)
    {
        _db = db;
        _logger = logger;
    }

    /// <summary>The versioned schema scripts, oldest first.</summary>
    private protected abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>SQL that is true when <c>owner</c> is not among the live owners bound by <see cref="AddLiveOwners"/>.</summary>
    private protected abstract string OwnerNotLive { get; }

    /// <summary>Binds the live owners for <see cref="OwnerNotLive"/>.</summary>
    private protected abstract void AddLiveOwners(DbCommand command, IReadOnlyCollection<string> liveOwners);

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => _db.MigrateAsync("change_log", Migrations, cancellationToken);

    /// <inheritdoc />
    public Task RecordAsync(ChangeEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Owner);
        var obj = StoredId.From(entry.Object);
        var newBlob = entry.NewBlob is { } n ? StoredId.From(n) : null;
        var oldBlob = entry.OldBlob is { } o ? StoredId.From(o) : null;
        // A retried record (response lost) finds its own row: keep it, the entry is already durable.
        var command = _db.Statement(
            $"INSERT INTO change_log ({Columns}, claimed_until) VALUES " +
            "(@id, @u, @s, @k, @nu, @ns, @nk, @ou, @os, @ok, @phase, @cleanup, @owner, @recorded, NULL) ON CONFLICT (id) DO NOTHING");
        SqlDatabase.Add(command, "id", DbType.Guid, entry.Id);
        AddId(command, "", obj);
        AddId(command, "n", newBlob);
        AddId(command, "o", oldBlob);
        SqlDatabase.Add(command, "phase", DbType.Int16, (short)entry.Phase);
        SqlDatabase.Add(command, "cleanup", DbType.Int64, entry.CleanupAfter is { } c ? SqlTime.ToMicros(c) : null);
        SqlDatabase.Add(command, "owner", DbType.String, entry.Owner);
        SqlDatabase.Add(command, "recorded", DbType.Int64, SqlTime.ToMicros(entry.RecordedAt));
        return _db.ExecuteGroupedAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async Task UpdatePhaseAsync(Guid id, ChangePhase phase, DateTimeOffset? cleanupAfter, CancellationToken cancellationToken)
    {
        // A null cleanupAfter keeps the stored delay.
        var command = _db.Statement("UPDATE change_log SET phase = @phase, cleanup_after = COALESCE(@cleanup, cleanup_after) WHERE id = @id");
        SqlDatabase.Add(command, "phase", DbType.Int16, (short)phase);
        SqlDatabase.Add(command, "cleanup", DbType.Int64, cleanupAfter is { } c ? SqlTime.ToMicros(c) : null);
        SqlDatabase.Add(command, "id", DbType.Guid, id);
        if (await _db.ExecuteGroupedAsync(command, cancellationToken) == 0)
            _logger.LogDebug("Change {ChangeId} was already removed; phase {Phase} not recorded", id, phase);
    }

    /// <inheritdoc />
    public async Task<ChangeEntry?> TakeRecordedAsync(Guid id, ObjectId obj, ChangePhase phase, string owner, DateTimeOffset cleanupAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var stored = StoredId.From(obj);
        var taken = await _db.WriteAsync(transactional: false, async (connection, transaction) =>
        {
            // One conditional UPDATE: the row lock orders it against a recovery claim (which sets claimed_until) and against
            // a second taker (which moves the phase off Recorded); the loser matches no row.
            await using var command = SqlDatabase.Command(connection, transaction,
                "UPDATE change_log SET phase = @phase, owner = @owner, cleanup_after = @cleanup " +
                $"WHERE id = @id AND usecase = @u AND scopes = @s AND key = @k AND phase = {(short)ChangePhase.Recorded} AND claimed_until IS NULL " +
                $"RETURNING {Columns}");
            SqlDatabase.Add(command, "phase", DbType.Int16, (short)phase);
            SqlDatabase.Add(command, "owner", DbType.String, owner);
            SqlDatabase.Add(command, "cleanup", DbType.Int64, SqlTime.ToMicros(cleanupAfter));
            SqlDatabase.Add(command, "id", DbType.Guid, id);
            AddId(command, "", stored);
            await command.PrepareAsync(cancellationToken);
            return Attempt<List<ChangeEntry>>.Done(await ReadEntriesAsync(command, cancellationToken).ToListAsync(cancellationToken));
        }, cancellationToken);
        return taken.Count == 0 ? null : taken[0];
    }

    /// <inheritdoc />
    public Task RemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        var command = _db.Statement("DELETE FROM change_log WHERE id = @id");
        SqlDatabase.Add(command, "id", DbType.Guid, id);
        return _db.ExecuteGroupedAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChangeEntry>> ClaimRecoverableAsync(string claimant, IReadOnlyCollection<string> liveOwners, DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(claimant);
        ArgumentNullException.ThrowIfNull(liveOwners);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThan(claimFor, TimeSpan.Zero);
        var nowMicros = SqlTime.ToMicros(now);
        var claimed = await _db.WriteAsync(transactional: true, async (connection, transaction) =>
        {
            await using var command = SqlDatabase.Command(connection, transaction,
                "UPDATE change_log SET owner = @claimant, claimed_until = @until WHERE id IN (" +
                "SELECT id FROM change_log " +
                $"WHERE (cleanup_after <= @now OR ((cleanup_after IS NULL OR phase = {(short)ChangePhase.Recorded}) AND {OwnerNotLive})) " +
                "AND (claimed_until IS NULL OR claimed_until <= @now) " +
                $"ORDER BY recorded_at LIMIT @limit{_db.ForUpdateSkipLocked}) " +
                $"RETURNING {Columns}");
            SqlDatabase.Add(command, "claimant", DbType.String, claimant);
            SqlDatabase.Add(command, "until", DbType.Int64, SqlTime.ToMicros(now + claimFor));
            SqlDatabase.Add(command, "now", DbType.Int64, nowMicros);
            SqlDatabase.Add(command, "limit", DbType.Int32, limit);
            AddLiveOwners(command, liveOwners);
            await command.PrepareAsync(cancellationToken);
            return Attempt<List<ChangeEntry>>.Done(await ReadEntriesAsync(command, cancellationToken).ToListAsync(cancellationToken));
        }, cancellationToken);
        if (claimed.Count > 0) _logger.LogInformation("Claimed {Count} change-log entries for recovery by {Claimant}", claimed.Count, claimant);
        claimed.Sort((a, b) => a.RecordedAt.CompareTo(b.RecordedAt));
        return claimed;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChangeEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null, $"SELECT {Columns} FROM change_log ORDER BY recorded_at, id");
        await foreach (var entry in ReadEntriesAsync(command, cancellationToken)) yield return entry;
    }

    private static async IAsyncEnumerable<ChangeEntry> ReadEntriesAsync(DbCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ChangeEntry
            {
                Id = reader.GetGuid(0),
                Object = ReadId(reader, 1) ?? throw new FormatException("a change-log entry has no object id"),
                NewBlob = ReadId(reader, 4),
                OldBlob = ReadId(reader, 7),
                Phase = (ChangePhase)Convert.ToInt16(reader.GetValue(10), System.Globalization.CultureInfo.InvariantCulture),
                CleanupAfter = reader.IsDBNull(11) ? null : SqlTime.FromMicros(reader.GetInt64(11)),
                Owner = reader.GetString(12),
                RecordedAt = SqlTime.FromMicros(reader.GetInt64(13)),
            };
        }
    }

    private static ObjectId? ReadId(DbDataReader reader, int first) =>
        reader.IsDBNull(first)
            ? null
            : StoredId.ToObjectId(reader.GetFieldValue<byte[]>(first), reader.GetFieldValue<byte[]>(first + 1), reader.GetFieldValue<byte[]>(first + 2));

    private void AddId(DbCommand command, string prefix, StoredId? id)
    {
        _db.AddBinary(command, prefix + "u", id?.Usecase);
        _db.AddBinary(command, prefix + "s", id?.Scopes);
        _db.AddBinary(command, prefix + "k", id?.Key);
    }
}
