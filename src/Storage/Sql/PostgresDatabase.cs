using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// A PostgreSQL database behind one <see cref="NpgsqlDataSource"/>. Conditional writes lock their
/// row with <c>SELECT … FOR UPDATE</c> in a read-committed transaction; an absent row cannot be
/// locked, so inserts use <c>ON CONFLICT DO NOTHING</c> and a lost race retries the attempt.
/// Group commits run up to <see cref="GroupCommitOptions.InFlight"/> round trips at once, each on its own connection.
/// </summary>
internal sealed class PostgresDatabase(NpgsqlDataSource dataSource, ILogger logger, GroupCommitOptions? groupCommit = null)
    : SqlDatabase(logger, groupCommit ?? GroupCommitOptions.Default, (groupCommit ?? GroupCommitOptions.Default).InFlight)
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

    public override DbCommand Statement(string sql) => new NpgsqlCommand(sql);

    // One NpgsqlBatch without error barriers: one round trip, one implicit transaction; a failing command rolls
    // back the others. It names itself in PostgresException.BatchCommand only when the connection string sets
    // Include Failed Batched Command; otherwise the index is unknown and the committer runs the group one by one.
    public override async Task ExecuteGroupAsync(IReadOnlyList<DbCommand> statements, int[] rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement.CommandText);
            // Clones share the values (payloads are ReadOnlyMemory, not copied); the statement may run again.
            foreach (NpgsqlParameter parameter in statement.Parameters) command.Parameters.Add(parameter.Clone());
            batch.BatchCommands.Add(command);
        }
        try
        {
            await batch.PrepareAsync(cancellationToken);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (IsStatementError(e))
        {
            throw new GroupStatementException(
                statements.Count == 1 ? 0 : e.BatchCommand is NpgsqlBatchCommand failed ? batch.BatchCommands.IndexOf(failed) : -1, e);
        }
        for (var i = 0; i < rows.Length; i++) rows[i] = batch.BatchCommands[i].RecordsAffected;
    }

    // The statement's own fault (bad data, a constraint, bad SQL): the group rolled back and the rest may run again. A lost
    // connection or a shut-down server (classes 08, 57, 58, XX) is not: it may even hide a commit, so the whole group fails.
    private static bool IsStatementError(PostgresException error) => error.SqlState.Length == 5 && error.SqlState[..2] is "22" or "23" or "42" or "0A";

    public override bool IsTransient(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    // Npgsql writes ReadOnlyMemory<byte> as bytea directly, no copy.
    public override object Binary(ReadOnlyMemory<byte> bytes) => bytes;
}
