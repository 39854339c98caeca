using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tests.HighVolume;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>The group commit on a SQLite file: one write transaction per group.</summary>
public sealed class SqliteGroupCommitTests : GroupCommitContract, IDisposable
{
    private readonly TempDirectory _dir = new();
    private string _file = "";

    private int _databases;

    private protected override async Task<(SqlDatabase Db, SqlHighVolumeStore Store, SqlChangeLog Log)> CreateAsync(GroupCommitOptions options)
    {
        _file = _dir.File($"hv-{++_databases}.db");
        var db = new SqliteDatabase(_file, NullLogger.Instance, options);
        var store = new SqliteHighVolumeStore(db, NullLogger.Instance);
        var log = new SqliteChangeLog(db, NullLogger.Instance);
        await store.InitializeAsync(CancellationToken.None);
        await log.InitializeAsync(CancellationToken.None);
        return (db, store, log);
    }

    // Another connection's write transaction on the file: the group's BEGIN IMMEDIATE waits (busy_timeout) until it ends.
    private protected override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        return new Hold(async () =>
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        });
    }

    public void Dispose() => _dir.Dispose();
}
