using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tests.LongTerm;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>The scenario suite over the embedded backends: SQLite HV + change log on a temp file, filesystem LT.</summary>
public sealed class SqliteFileSystemTieredScenarios : TieredScenarios
{
    protected override Task<TieredBackends> CreateBackendsAsync(TimeProvider time)
    {
        var dir = new TempDirectory();
        var sql = SqlStorage.OpenSqlite(dir.File("hv.db"));
        var lt = new FileSystemLongTermStore(dir.File("lt"));
        return Task.FromResult(new TieredBackends(sql.HighVolume, lt, sql.ChangeLog, new BackendResources(sql, dir.Dispose)));
    }
}

/// <summary>The scenario suite over the cluster backends: PostgreSQL HV + change log (a fresh database per test), S3 LT on moto (a fresh bucket per test, 10-key list pages).</summary>
public sealed class PostgresS3TieredScenarios : TieredScenarios
{
    protected override async Task<TieredBackends> CreateBackendsAsync(TimeProvider time)
    {
        var postgres = await PostgresServer.Shared;
        var sql = SqlStorage.OpenPostgres(await postgres.CreateDatabaseAsync("tiered"));
        var s3 = new S3TestStores();
        var lt = await s3.CreateAsync();
        return new TieredBackends(sql.HighVolume, lt, sql.ChangeLog, new BackendResources(sql, s3.Dispose));
    }
}

/// <summary>What a backend pair holds open: the SQL storage, then whatever else (a temp directory, an S3 client).</summary>
internal sealed class BackendResources(SqlStorage sql, Action release) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await sql.DisposeAsync();
        release();
    }
}
