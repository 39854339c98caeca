using Microsoft.Extensions.Logging;
using Npgsql;
using ObjectStore.Silo.Configuration;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// The storage a process serves from, opened per <c>storage</c>: the embedded default (SQLite HV and change log at
/// <c>{path}/hv.db</c>, files LT under <c>{path}/blobs</c>) or explicit tiers (PostgreSQL or SQLite HV, S3 or
/// filesystem LT). Owns the SQL storage, the LT store and the background job loop. The PostgreSQL data source is
/// exposed so the silo can keep Orleans' tables in the same database.
/// </summary>
internal sealed class StorageStack : IAsyncDisposable
{
    private readonly SqlStorage _sql;
    private readonly NpgsqlDataSource? _postgres;
    private FileStream? _lock;

    private StorageStack(SqlStorage sql, NpgsqlDataSource? postgres, ILongTermStore longTerm, BackgroundJobLoop jobs, TieredStorage storage, string description)
    {
        _sql = sql;
        _postgres = postgres;
        LongTerm = longTerm;
        Jobs = jobs;
        Storage = storage;
        Description = description;
    }

    /// <summary>The tiered storage over both stores.</summary>
    public TieredStorage Storage { get; }

    /// <summary>The HV store and change log.</summary>
    public SqlStorage Sql => _sql;

    /// <summary>The LT store large bodies stream into.</summary>
    public ILongTermStore LongTerm { get; }

    /// <summary>The HV PostgreSQL database's connection string; null when HV is SQLite.</summary>
    public string? PostgresConnectionString { get; private init; }

    /// <summary>
    /// Throws when the HV database does not answer (<c>/ready</c>'s probe); null for SQLite, a local file that fails
    /// with the disk, not with a network.
    /// </summary>
    public Func<CancellationToken, Task>? ReadinessProbe => _postgres is { } postgres
        ? async cancellationToken =>
        {
            await using var command = postgres.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        : null;

    /// <summary>The cleanup loop TieredStorage queues on.</summary>
    public BackgroundJobLoop Jobs { get; }

    /// <summary>What runs, for the start-up log.</summary>
    public string Description { get; }

    /// <summary>Opens, creates schemas and directories, and wires the tiers; <paramref name="owner"/> (the silo id) owns change entries.</summary>
    public static async Task<StorageStack> OpenAsync(StorageOptions options, string owner, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        SqlStorage sql;
        ILongTermStore longTerm;
        FileStream? dataLock = null;
        NpgsqlDataSource? postgres = null;
        string description;
        if (options.Type == StorageType.Filesystem)
        {
            var root = Path.GetFullPath(options.Path);
            Directory.CreateDirectory(root);
            dataLock = LockDataDirectory(root);
            sql = SqlStorage.OpenSqlite(Path.Combine(root, "hv.db"), loggerFactory, options.GroupCommit);
            longTerm = new FileSystemLongTermStore(Path.Combine(root, "blobs"));
            description = $"embedded filesystem storage at {root} (SQLite high-volume tier, files long-term tier)";
        }
        else
        {
            var hv = options.HighVolume!;
            var lt = options.LongTerm!;
            if (hv.Type == HighVolumeType.Postgres)
            {
                var builder = new NpgsqlDataSourceBuilder(hv.ConnectionString!);
                builder.UseLoggerFactory(loggerFactory);
                postgres = builder.Build();
                sql = SqlStorage.OpenPostgres(postgres, loggerFactory, options.GroupCommit);
            }
            else
            {
                var path = CreateParent(hv.Path!);
                sql = SqlStorage.OpenSqlite(path, loggerFactory, options.GroupCommit);
            }
            longTerm = lt.Type == LongTermType.S3
                ? new S3LongTermStore(new S3LongTermStoreOptions
                {
                    ServiceUrl = lt.Endpoint,
                    Bucket = lt.Bucket!,
                    Region = lt.Region,
                    AccessKey = lt.AccessKey,
                    SecretKey = lt.SecretKey,
                    ForcePathStyle = lt.PathStyle,
                }, loggerFactory.CreateLogger<S3LongTermStore>())
                : new FileSystemLongTermStore(Path.GetFullPath(lt.Path!));
            description = $"tiered storage ({hv.Type} high-volume tier, {lt.Type} long-term tier)";
        }
        try
        {
            try
            {
                await sql.InitializeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (UnreachableDependencyException.IsPostgresFailure(e))
            {
                throw new UnreachableDependencyException("PostgreSQL", "storage.high_volume.connection_string", e);
            }
            try
            {
                await longTerm.InitializeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (UnreachableDependencyException.IsS3Failure(e))
            {
                throw new UnreachableDependencyException("S3", "storage.long_term.endpoint", e);
            }
        }
        catch
        {
            dataLock?.Dispose();
            (longTerm as IDisposable)?.Dispose();
            await sql.DisposeAsync().ConfigureAwait(false);
            if (postgres is not null) await postgres.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        // The embedded default keeps space back so deletes work on a full disk (the data directory is its only disk).
        DiskReserve? reserve = null;
        if (options.Type == StorageType.Filesystem)
        {
            reserve = new DiskReserve(Path.Combine(Path.GetFullPath(options.Path), "objectstore.reserve"));
            reserve.TryRestore();
        }
        var jobs = new BackgroundJobLoop(null, TimeProvider.System, loggerFactory.CreateLogger<BackgroundJobLoop>());
        var storage = new TieredStorage(sql.HighVolume, longTerm, sql.ChangeLog, jobs, new TieredStorageOptions { Owner = owner, DiskReserve = reserve },
            TimeProvider.System, loggerFactory.CreateLogger<TieredStorage>());
        return new StorageStack(sql, postgres, longTerm, jobs, storage, description)
        {
            PostgresConnectionString = postgres is null ? null : options.HighVolume!.ConnectionString,
            _lock = dataLock,
        };
    }

    /// <summary>
    /// Holds <c>{root}/objectstore.lock</c> exclusively for the process's life: a second server on the same data directory
    /// would run a second silo over one store and break single activation (two grains for one key), so it must not start.
    /// The OS drops the lock when the process dies, so a crash never leaves the directory locked.
    /// </summary>
    private static FileStream LockDataDirectory(string root)
    {
        var path = Path.Combine(root, "objectstore.lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return stream;
        }
        catch (IOException e)
        {
            throw new IOException($"the data directory {root} is in use by another objectstore process (it holds {path}); stop it or choose another storage.path", e);
        }
    }

    private static string CreateParent(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Drains background cleanup (bounded by the loop's deadline), then closes the stores.</summary>
    public async ValueTask DisposeAsync()
    {
        await Jobs.StopAsync(CancellationToken.None).ConfigureAwait(false);
        (LongTerm as IDisposable)?.Dispose();
        await _sql.DisposeAsync().ConfigureAwait(false);
        if (_postgres is not null) await _postgres.DisposeAsync().ConfigureAwait(false);
        if (_lock is not null) await _lock.DisposeAsync().ConfigureAwait(false);
    }
}
