using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// A SQLite database file in WAL mode. SQLite allows one writer at a time, so writers in this
/// process queue on a per-file gate instead of spinning on SQLITE_BUSY; conditional writes run in
/// <c>BEGIN IMMEDIATE</c> transactions so they are atomic even against another process on the file.
/// Readers never wait (WAL snapshots).
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_writerGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writerGate;
    private int _walEnabled;

    // One group in flight: SQLite has one writer, so a second group would only wait for the first.
    public SqliteDatabase(string path, ILogger logger, GroupCommitOptions? groupCommit = null)
        : base(logger, groupCommit ?? GroupCommitOptions.Default, maxGroupRoundTrips: 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        Path = fullPath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        // Every store on the same file in this process shares one gate.
        _writerGate = s_writerGates.GetOrAdd(fullPath, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>What every connection runs when opened (the bench's raw SQLite baseline runs the same).</summary>
    internal const string ConnectionPragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;";

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string ForUpdate => "";

    public override string ForUpdateSkipLocked => "";

    protected override string? MigrationLockSql => null;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            // WAL with synchronous=NORMAL survives process crashes (a silo crash); only an OS crash may
            // lose the last commits. busy_timeout covers other processes on the same file.
            pragma.CommandText = ConnectionPragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task MigrateAsync(string component, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _walEnabled, 1) == 0)
        {
            // journal_mode cannot change inside a transaction; it is persistent in the file once set.
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await base.MigrateAsync(component, migrations, cancellationToken);
    }

    protected override async ValueTask<IDisposable?> AcquireWriterAsync(CancellationToken cancellationToken)
    {
        await _writerGate.WaitAsync(cancellationToken);
        return new Release(_writerGate);
    }

    protected override ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override DbCommand Statement(string sql) => new SqliteCommand(sql);

    // SQLite has one writer: the group is one BEGIN IMMEDIATE transaction under the writer gate, many statements, one
    // commit (one WAL sync) instead of one per statement.
    public override async Task ExecuteGroupAsync(IReadOnlyList<DbCommand> statements, int[] rows, CancellationToken cancellationToken)
    {
        using var writer = await AcquireWriterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            statement.Connection = connection;
            statement.Transaction = transaction;
            try
            {
                await statement.PrepareAsync(cancellationToken);
                rows[i] = await statement.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e)
            {
                await transaction.RollbackAsync(cancellationToken);
                throw new GroupStatementException(i, e);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    // Microsoft.Data.Sqlite binds byte[] only; a buffer that is exactly one array is bound without a copy.
    public override object Binary(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
