using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tests.HighVolume;
using ObjectStore.Storage.Tests.LongTerm;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>The scenario suite over the embedded backends: SQLite HV + change log on a temp file, filesystem LT.</summary>
public sealed class SqliteFileSystemTieredScenarios : TieredScenarios
{
    protected override Task<TieredBackends> CreateBackendsAsync(TimeProvider time) => TieredBackendFactory.SqliteFileSystemAsync();
}

/// <summary>The scenario suite over the cluster backends: PostgreSQL HV + change log (a fresh database per test), S3 LT on moto (a fresh bucket per test, 10-key list pages).</summary>
public sealed class PostgresS3TieredScenarios : TieredScenarios
{
    protected override Task<TieredBackends> CreateBackendsAsync(TimeProvider time) => TieredBackendFactory.PostgresS3Async();
}

/// <summary>The backend sets the tiered suites run on; each call makes fresh stores (a fresh database, directory or bucket).</summary>
internal static class TieredBackendFactory
{
    /// <summary>In-memory HV, change log and LT (whose blob times come from <paramref name="time"/>).</summary>
    public static Task<TieredBackends> InMemoryAsync(TimeProvider time) =>
        Task.FromResult(new TieredBackends(new InMemoryHighVolumeStore(), new InMemoryLongTermStore(time), new InMemoryChangeLog()));

    /// <summary>SQLite HV + change log on a temp file, filesystem LT (blob times from the file system).</summary>
    public static Task<TieredBackends> SqliteFileSystemAsync()
    {
        var dir = new TempDirectory();
        var sql = SqlStorage.OpenSqlite(dir.File("hv.db"));
        var lt = new FileSystemLongTermStore(dir.File("lt"));
        return Task.FromResult(new TieredBackends(sql.HighVolume, lt, sql.ChangeLog, new BackendResources(sql, dir.Dispose)));
    }

    /// <summary>PostgreSQL HV + change log (a fresh database), S3 LT on moto (a fresh bucket, 10-key list pages; blob times from moto).</summary>
    public static async Task<TieredBackends> PostgresS3Async()
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
