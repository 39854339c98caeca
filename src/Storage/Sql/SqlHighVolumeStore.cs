using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// The high-volume tier on a SQL table (<c>hv_objects</c>), shared by SQLite and PostgreSQL.
/// One row per object: <c>id_hash</c> (SHA-256 of the id, the primary key), the full id parts,
/// <c>kind</c> (0 inline, 1 tombstone), the tombstone target, <c>expires_at</c> (microseconds,
/// null for manual; indexed for expiry scans), the metadata (<see cref="MetadataCodec"/>) and the
/// inline payload. <c>expires_at</c> is the source of truth for the deadline (expiry extensions write it with the metadata).
/// <para>
/// Conditional writes decide in C# on a row read under the write lock (<c>FOR UPDATE</c> / SQLite's
/// single writer), using the same redirect-state rule as objectstore: a row "matches" an expected
/// target when it is a tombstone pointing there, or — for no target — when it is anything but a
/// tombstone. Expired tombstones count: until purged they still reference their LT blob. A CAS applies its write when the current state matches the expected target, and
/// reports success without writing when it already matches the write's own target (idempotent retry).
/// </para>
/// </summary>
public abstract class SqlHighVolumeStore : IHighVolumeStore
{
    private const short KindInline = 0;
    private const short KindTombstone = 1;

    // Columns 0..7: what a precondition needs (the id parts are verified against hash collisions).
    private const string StateColumns = "usecase, scopes, key, kind, target_usecase, target_scopes, target_key, expires_at";
    private const string IsTombstone = "hv_objects.kind = 1";

    private const string InsertRow =
        "INSERT INTO hv_objects (id_hash, usecase, scopes, key, kind, target_usecase, target_scopes, target_key, expires_at, metadata, payload) " +
        "VALUES (@h, @u, @s, @k, @kind, @tu, @ts, @tk, @exp, @meta, @payload) ";

    private const string UpsertRow = InsertRow +
        "ON CONFLICT (id_hash) DO UPDATE SET kind = excluded.kind, target_usecase = excluded.target_usecase, " +
        "target_scopes = excluded.target_scopes, target_key = excluded.target_key, expires_at = excluded.expires_at, " +
        "metadata = excluded.metadata, payload = excluded.payload";

    private readonly SqlDatabase _db;
    private readonly ILogger _logger;

    private protected SqlHighVolumeStore(SqlDatabase db, ILogger logger)
    {
        _db = db;
        _logger = logger;
    }

    /// <summary>The versioned schema scripts, oldest first.</summary>
    private protected abstract IReadOnlyList<string> Migrations { get; }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => _db.MigrateAsync("high_volume", Migrations, cancellationToken);

    /// <inheritdoc />
    public async Task<HighVolumeEntry> ReadAsync(ObjectId id, ByteRange? range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sid = StoredId.From(id);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = SelectRow(connection, null, sid, withMetadata: true, withPayload: true, lockRow: false);
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return HighVolumeEntry.NotFound;
        var row = ReadState(reader, sid);
        if (!row.IsLive(now)) return HighVolumeEntry.NotFound;
        var metadata = ReadMetadata(reader, row);
        if (row.Target is { } target) return HighVolumeEntry.Redirect(new Tombstone(target, metadata));

        var payload = await reader.IsDBNullAsync(9, cancellationToken) ? [] : reader.GetFieldValue<byte[]>(9);
        metadata = metadata with { Size = payload.Length };
        if (range is not { } requested) return HighVolumeEntry.Inline(metadata, payload);
        return requested.Resolve(payload.Length) is { } resolved
            ? HighVolumeEntry.Inline(metadata, payload.AsMemory((int)resolved.Start, (int)resolved.Length), resolved)
            : HighVolumeEntry.Inline(metadata, ReadOnlyMemory<byte>.Empty);
    }

    /// <inheritdoc />
    public async Task<HighVolumeEntry> ReadMetadataAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sid = StoredId.From(id);
        await using var connection = await _db.OpenAsync(cancellationToken);
        var row = await ReadRowAsync(connection, null, sid, withMetadata: true, lockRow: false, cancellationToken);
        if (row is null || !row.IsLive(now)) return HighVolumeEntry.NotFound;
        return row.Target is { } target
            ? HighVolumeEntry.Redirect(new Tombstone(target, row.Metadata!))
            : HighVolumeEntry.Inline(row.Metadata!, ReadOnlyMemory<byte>.Empty);
    }

    /// <inheritdoc />
    public async Task<Tombstone?> ReadRedirectAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var sid = StoredId.From(id);
        await using var connection = await _db.OpenAsync(cancellationToken);
        var row = await ReadRowAsync(connection, null, sid, withMetadata: true, lockRow: false, cancellationToken);
        return AsTombstone(row);
    }

    /// <inheritdoc />
    public Task<Tombstone?> PutInlineUnlessTombstoneAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var sid = StoredId.From(id);
        var write = new TieredWrite.WriteInline(metadata, payload);
        // One conditional upsert through the group commit; only when a tombstone blocks it do we read that tombstone back.
        return UnlessTombstoneAsync(sid, () => WriteRowCommand(sid, write, UpsertRow + $" WHERE NOT ({IsTombstone})"), retryWhenAbsent: true, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Tombstone?> DeleteUnlessTombstoneAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sid = StoredId.From(id);
        // Nothing deleted means absent (fine) or a tombstone (hand it back).
        return UnlessTombstoneAsync(sid, () =>
        {
            var delete = _db.Statement($"DELETE FROM hv_objects WHERE id_hash = @h AND NOT ({IsTombstone})");
            _db.AddBinary(delete, "h", sid.Hash);
            return delete;
        }, retryWhenAbsent: false, cancellationToken);
    }

    // The "unless tombstone" writes: one grouped statement guarded by NOT tombstone; when it touches no row, the
    // row is read back (outside the group) to hand its tombstone to the caller. A put that then finds no tombstone
    // lost it to another writer in between and runs again.
    private async Task<Tombstone?> UnlessTombstoneAsync(StoredId sid, Func<DbCommand> statement, bool retryWhenAbsent, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await _db.ExecuteGroupedAsync(statement(), cancellationToken) > 0) return null;
            Row? row;
            await using (var connection = await _db.OpenAsync(cancellationToken))
                row = await ReadRowAsync(connection, null, sid, withMetadata: true, lockRow: false, cancellationToken);
            if (AsTombstone(row) is { } tombstone) return tombstone;
            if (!retryWhenAbsent) return null;
            if (attempt >= SqlDatabase.MaxAttempts)
                throw new InvalidOperationException($"a conditional write lost {SqlDatabase.MaxAttempts} races in a row; giving up");
        }
    }

    /// <inheritdoc />
    public Task<bool> CompareAndWriteAsync(ObjectId id, ObjectId? expectedTarget, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var sid = StoredId.From(id);
        return _db.WriteAsync(transactional: true, async (connection, transaction) =>
        {
            var row = await ReadRowAsync(connection, transaction, sid, withMetadata: false, lockRow: true, cancellationToken);
            if (!MatchesRedirect(row, expectedTarget))
                return Attempt<bool>.Done(MatchesRedirect(row, write.Target));

            if (write is TieredWrite.Delete)
            {
                if (row is not null) await DeleteRowAsync(connection, transaction, sid, cancellationToken);
                return Attempt<bool>.Done(true);
            }
            await using var command = WriteRowCommand(sid, write, row is null ? InsertRow + "ON CONFLICT (id_hash) DO NOTHING" : UpsertRow);
            command.Connection = connection;
            command.Transaction = transaction;
            await command.PrepareAsync(cancellationToken);
            // Zero rows: an absent row was inserted concurrently; the next attempt locks it and re-decides.
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0 ? Attempt<bool>.Done(true) : Attempt<bool>.Again;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ExpiryOutcome> ExtendExpiryAsync(ObjectId id, ObjectId? expectedTarget, ExpiryExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extension);
        var sid = StoredId.From(id);
        return _db.WriteAsync(transactional: true, async (connection, transaction) =>
        {
            var row = await ReadRowAsync(connection, transaction, sid, withMetadata: true, lockRow: true, cancellationToken);
            if (row is null || !row.IsLive(now)) return Attempt<ExpiryOutcome>.Done(ExpiryOutcome.NotFound);
            if (!MatchesRedirect(row, expectedTarget)) return Attempt<ExpiryOutcome>.Done(ExpiryOutcome.Conflict);
            var decision = extension.Decide(row.Metadata!, now);
            if (decision.Outcome != ExpiryOutcome.Extended) return Attempt<ExpiryOutcome>.Done(decision.Outcome);
            var extended = row.Metadata! with { Expiration = decision.Policy, TimeExpires = decision.Deadline };
            await using var update = SqlDatabase.Command(connection, transaction, "UPDATE hv_objects SET expires_at = @exp, metadata = @meta WHERE id_hash = @h");
            SqlDatabase.Add(update, "exp", DbType.Int64, SqlTime.ToMicros(decision.Deadline!.Value));
            _db.AddBinary(update, "meta", MetadataCodec.Serialize(extended));
            _db.AddBinary(update, "h", sid.Hash);
            await update.PrepareAsync(cancellationToken);
            await update.ExecuteNonQueryAsync(cancellationToken);
            return Attempt<ExpiryOutcome>.Done(ExpiryOutcome.Extended);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExpiredRow>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null,
            $"SELECT {StateColumns} FROM hv_objects WHERE expires_at IS NOT NULL AND expires_at < @now ORDER BY expires_at LIMIT @limit");
        AddNow(command, now);
        SqlDatabase.Add(command, "limit", DbType.Int32, limit);
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ExpiredRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = ReadState(reader, expected: null);
            rows.Add(new ExpiredRow(row.Id, row.Target, SqlTime.FromMicros(row.ExpiresAt!.Value)));
        }
        return rows;
    }

    /// <inheritdoc />
    public Task<bool> DeleteIfExpiredAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sid = StoredId.From(id);
        return _db.WriteAsync(transactional: true, async (connection, transaction) =>
        {
            var row = await ReadRowAsync(connection, transaction, sid, withMetadata: false, lockRow: true, cancellationToken);
            if (row is null) return Attempt<bool>.Done(true);
            if (row.IsLive(now) || !Equals(row.Target, expectedTarget)) return Attempt<bool>.Done(false);
            await DeleteRowAsync(connection, transaction, sid, cancellationToken);
            _logger.LogDebug("Deleted expired {Kind} row of {Usecase}", row.Target is null ? "inline" : "tombstone", row.Id.Usecase);
            return Attempt<bool>.Done(true);
        }, cancellationToken);
    }

    // The redirect-state rule: no target matches anything but a tombstone; a target matches only a
    // tombstone (live or expired) pointing exactly there. `row` is null when absent.
    private static bool MatchesRedirect(Row? row, ObjectId? expected) =>
        row?.Target is { } current ? current.Equals(expected) : expected is null;

    private static Tombstone? AsTombstone(Row? row) => row is { Target: { } target } ? new Tombstone(target, row.Metadata!) : null;

    private DbCommand SelectRow(DbConnection connection, DbTransaction? transaction, StoredId sid, bool withMetadata, bool withPayload, bool lockRow)
    {
        var columns = StateColumns + (withMetadata ? ", metadata" : "") + (withPayload ? ", payload" : "");
        var command = SqlDatabase.Command(connection, transaction,
            $"SELECT {columns} FROM hv_objects WHERE id_hash = @h{(lockRow ? _db.ForUpdate : "")}");
        _db.AddBinary(command, "h", sid.Hash);
        return command;
    }

    private async Task<Row?> ReadRowAsync(DbConnection connection, DbTransaction? transaction, StoredId sid, bool withMetadata, bool lockRow, CancellationToken cancellationToken)
    {
        await using var command = SelectRow(connection, transaction, sid, withMetadata, withPayload: false, lockRow);
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var row = ReadState(reader, sid);
        return withMetadata ? row with { Metadata = ReadMetadata(reader, row) } : row;
    }

    // `expected` is the id the row was looked up by; its parts must be the stored ones.
    private static Row ReadState(DbDataReader reader, StoredId? expected)
    {
        var usecase = Bytes(reader, 0)!;
        var scopes = Bytes(reader, 1)!;
        var key = Bytes(reader, 2)!;
        if (expected is not null && !expected.Matches(usecase, scopes, key))
            throw new InvalidOperationException("two object ids share one SHA-256 row key; refusing to touch the row");
        var kind = Convert.ToInt16(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture);
        ObjectId? target = null;
        if (kind == KindTombstone)
        {
            target = StoredId.ToObjectId(
                Bytes(reader, 4) ?? throw new FormatException("a stored tombstone has no target"), Bytes(reader, 5)!, Bytes(reader, 6)!);
        }
        else if (kind != KindInline) throw new FormatException($"a stored HV row has unknown kind {kind}");
        long? expiresAt = reader.IsDBNull(7) ? null : reader.GetInt64(7);
        return new Row(StoredId.ToObjectId(usecase, scopes, key), target, expiresAt, null);
    }

    private static ObjectMetadata ReadMetadata(DbDataReader reader, Row row)
    {
        var metadata = MetadataCodec.Deserialize(reader.GetFieldValue<byte[]>(8));
        return row.ExpiresAt is { } micros ? metadata with { TimeExpires = SqlTime.FromMicros(micros) } : metadata;
    }

    // Unattached: the group commit or the transaction that runs it attaches it.
    private DbCommand WriteRowCommand(StoredId sid, TieredWrite write, string sql)
    {
        var (metadata, payload, target) = write switch
        {
            TieredWrite.WriteInline inline => (inline.Metadata with { Size = inline.Payload.Length }, inline.Payload, (StoredId?)null),
            TieredWrite.WriteTombstone tombstone => (tombstone.Tombstone.Metadata, (ReadOnlyMemory<byte>?)null, StoredId.From(tombstone.Tombstone.Target)),
            _ => throw new ArgumentException($"{write.GetType().Name} does not write a row", nameof(write)),
        };
        var command = _db.Statement(sql);
        _db.AddBinary(command, "h", sid.Hash);
        _db.AddBinary(command, "u", sid.Usecase);
        _db.AddBinary(command, "s", sid.Scopes);
        _db.AddBinary(command, "k", sid.Key);
        SqlDatabase.Add(command, "kind", DbType.Int16, target is null ? KindInline : KindTombstone);
        _db.AddBinary(command, "tu", target?.Usecase);
        _db.AddBinary(command, "ts", target?.Scopes);
        _db.AddBinary(command, "tk", target?.Key);
        var expires = metadata.Expiration.Expires && metadata.TimeExpires is { } te ? SqlTime.ToMicros(te) : (long?)null;
        SqlDatabase.Add(command, "exp", DbType.Int64, expires);
        _db.AddBinary(command, "meta", MetadataCodec.Serialize(metadata));
        _db.AddPayload(command, "payload", payload);
        return command;
    }

    private async Task DeleteRowAsync(DbConnection connection, DbTransaction? transaction, StoredId sid, CancellationToken cancellationToken)
    {
        await using var delete = SqlDatabase.Command(connection, transaction, "DELETE FROM hv_objects WHERE id_hash = @h");
        _db.AddBinary(delete, "h", sid.Hash);
        await delete.PrepareAsync(cancellationToken);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddNow(DbCommand command, DateTimeOffset now) =>
        SqlDatabase.Add(command, "now", DbType.Int64, SqlTime.NowCeilingMicros(now));

    private static byte[]? Bytes(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);

    /// <summary>A stored row without its payload; <see cref="Target"/> is set for tombstones.</summary>
    private sealed record Row(ObjectId Id, ObjectId? Target, long? ExpiresAt, ObjectMetadata? Metadata)
    {
        public bool IsLive(DateTimeOffset now) => ExpiresAt is not { } e || e >= SqlTime.NowCeilingMicros(now);
    }
}
