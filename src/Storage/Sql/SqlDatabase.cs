using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.Sql;

/// <summary>The outcome of one write attempt: a value, or a request to run the attempt again.</summary>
internal readonly record struct Attempt<T>(bool Retry, T Value)
{
    public static Attempt<T> Done(T value) => new(false, value);

    public static readonly Attempt<T> Again = new(true, default!);
}

/// <summary>
/// One SQL database (SQLite file or PostgreSQL data source) shared by the HV store and the change
/// log: connections, write serialization, the engine's locking clauses, and versioned migrations.
/// The DML of both stores is written once against ADO.NET; only what truly differs lives here.
/// </summary>
internal abstract class SqlDatabase
{
    // An attempt retries only after losing an insert race on an absent row; a second attempt then
    // finds and locks the winner's row, so a handful of attempts is plenty.
    public const int MaxAttempts = 8;

    protected SqlDatabase(ILogger logger, GroupCommitOptions groupCommit, int maxGroupRoundTrips)
    {
        Logger = logger;
        Group = new GroupCommit(this, logger, groupCommit, maxGroupRoundTrips);
    }

    protected ILogger Logger { get; }

    /// <summary>The group committer every single-statement write goes through (<see cref="ExecuteGroupedAsync"/>).</summary>
    public GroupCommit Group { get; }

    /// <summary>An unattached command for <see cref="ExecuteGroupedAsync"/>; bind its parameters with <see cref="Add"/>.</summary>
    public abstract DbCommand Statement(string sql);

    /// <summary>
    /// Runs one write statement (unattached, from <see cref="Statement"/>; ownership passes here) in a group commit with
    /// other callers' statements; returns its affected-row count after the group's transaction committed.
    /// </summary>
    public Task<int> ExecuteGroupedAsync(DbCommand statement, CancellationToken cancellationToken) => Group.ExecuteAsync(statement, cancellationToken);

    /// <summary>
    /// Runs <paramref name="statements"/> in order in one transaction and one round trip where the engine allows,
    /// filling <paramref name="rows"/> with each one's affected-row count. A statement's own failure rolls the
    /// transaction back and surfaces as <see cref="GroupStatementException"/> naming it.
    /// </summary>
    public abstract Task ExecuteGroupAsync(IReadOnlyList<DbCommand> statements, int[] rows, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="error"/> rolled a transaction back in a way that running it again may cure (deadlock, serialization).</summary>
    public virtual bool IsTransient(Exception error) => false;

    /// <summary>Appended to a SELECT that must lock the row it reads until commit (PostgreSQL: <c>FOR UPDATE</c>).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Appended to a queue-style SELECT that must skip rows others hold (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>).</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>Opens a connection ready for use.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Takes whatever process-wide write lock the engine needs (SQLite: one writer at a time).</summary>
    protected abstract ValueTask<IDisposable?> AcquireWriterAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that holds the engine's write lock from its first statement (SQLite: <c>BEGIN IMMEDIATE</c>).</summary>
    protected abstract ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Statements run first in the migration transaction so concurrent starters apply migrations one at a time.</summary>
    protected abstract string? MigrationLockSql { get; }

    /// <summary>The parameter value for a binary column.</summary>
    public abstract object Binary(ReadOnlyMemory<byte> bytes);

    /// <summary>Runs a write: with a transaction when <paramref name="transactional"/>, retrying when the body asks to.</summary>
    public async Task<T> WriteAsync<T>(bool transactional, Func<DbConnection, DbTransaction?, Task<Attempt<T>>> body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var writer = await AcquireWriterAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = transactional ? await BeginWriteTransactionAsync(connection, cancellationToken) : null;
            var result = await body(connection, transaction);
            if (!result.Retry)
            {
                if (transaction is not null) await transaction.CommitAsync(cancellationToken);
                return result.Value;
            }
            if (transaction is not null) await transaction.RollbackAsync(cancellationToken);
            if (attempt >= MaxAttempts)
                throw new InvalidOperationException($"a conditional write lost {MaxAttempts} races in a row; giving up");
            Logger.LogDebug("Write attempt {Attempt} lost an insert race; retrying", attempt);
        }
    }

    /// <summary>Applies the <paramref name="component"/>'s migrations past its recorded version, idempotently.</summary>
    public virtual Task MigrateAsync(string component, IReadOnlyList<string> migrations, CancellationToken cancellationToken) =>
        WriteAsync(transactional: true, async (connection, transaction) =>
        {
            if (MigrationLockSql is { } lockSql) await ExecuteAsync(connection, transaction, lockSql, cancellationToken);
            await ExecuteAsync(connection, transaction,
                "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)", cancellationToken);
            await using var read = Command(connection, transaction, "SELECT version FROM schema_version WHERE component = @c");
            Add(read, "c", DbType.String, component);
            var current = await read.ExecuteScalarAsync(cancellationToken) is { } v and not DBNull ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (current > migrations.Count)
                throw new InvalidOperationException($"the {component} schema is at version {current}, newer than this build knows ({migrations.Count})");
            for (var i = current; i < migrations.Count; i++)
            {
                await ExecuteAsync(connection, transaction, migrations[i], cancellationToken);
                Logger.LogInformation("Applied {Component} schema migration {Version}", component, i + 1);
            }
            if (current < migrations.Count)
            {
                await using var write = Command(connection, transaction,
                    "INSERT INTO schema_version (component, version) VALUES (@c, @v) ON CONFLICT (component) DO UPDATE SET version = excluded.version");
                Add(write, "c", DbType.String, component);
                Add(write, "v", DbType.Int32, migrations.Count);
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
            return Attempt<bool>.Done(true);
        }, cancellationToken);

    /// <summary>A command on the connection (and transaction).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Adds a typed parameter; null becomes a typed SQL NULL.</summary>
    public static void Add(DbCommand command, string name, DbType type, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>Adds a binary parameter; null is SQL NULL.</summary>
    public void AddBinary(DbCommand command, string name, byte[]? bytes) => Add(command, name, DbType.Binary, bytes);

    /// <summary>Adds a binary parameter from a buffer without copying where the engine allows; null is SQL NULL.</summary>
    public void AddPayload(DbCommand command, string name, ReadOnlyMemory<byte>? bytes) =>
        Add(command, name, DbType.Binary, bytes is { } b ? Binary(b) : null);

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
