using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// A PostgreSQL database behind one <see cref="NpgsqlDataSource"/>. Conditional writes lock their
/// row with <c>SELECT … FOR UPDATE</c> in a read-committed transaction; an absent row cannot be
/// locked, so inserts use <c>ON CONFLICT DO NOTHING</c> and a lost race retries the attempt.
/// </summary>
internal sealed class PostgresDatabase(NpgsqlDataSource dataSource, ILogger logger) : SqlDatabase(logger)
{
    // Any constant works: it only has to be the same for every process migrating this database.
    private const long MigrationLockKey = 0x6f626a7374_6f7265;

    public override string ForUpdate => " FOR UPDATE";

    public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

    protected override string? MigrationLockSql => $"SELECT pg_advisory_xact_lock({MigrationLockKey})";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    protected override ValueTask<IDisposable?> AcquireWriterAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    protected override async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    // Npgsql writes ReadOnlyMemory<byte> as bytea directly, no copy.
    public override object Binary(ReadOnlyMemory<byte> bytes) => bytes;
}
