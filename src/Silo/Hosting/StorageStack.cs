using Microsoft.Extensions.Logging;
using ObjectStore.Silo.Configuration;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// The storage a process serves from, opened per <c>storage</c>: the embedded default (SQLite HV and change log at
/// <c>{path}/hv.db</c>, files LT under <c>{path}/blobs</c>) or explicit tiers (PostgreSQL or SQLite HV, S3 or
/// filesystem LT). Owns the SQL storage, the LT store and the background job loop.
/// </summary>
internal sealed class StorageStack : IAsyncDisposable
{
    private readonly SqlStorage _sql;
    private readonly ILongTermStore _longTerm;

    private StorageStack(SqlStorage sql, ILongTermStore longTerm, BackgroundJobLoop jobs, TieredStorage storage, string description)
    {
        _sql = sql;
        _longTerm = longTerm;
        Jobs = jobs;
        Storage = storage;
        Description = description;
    }

    /// <summary>The tiered storage over both stores.</summary>
    public TieredStorage Storage { get; }

    /// <summary>The cleanup loop TieredStorage queues on.</summary>
    public BackgroundJobLoop Jobs { get; }

    /// <summary>What runs, for the start-up log.</summary>
    public string Description { get; }

    /// <summary>Opens, creates schemas and directories, and wires the tiers.</summary>
    public static async Task<StorageStack> OpenAsync(StorageOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        SqlStorage sql;
        ILongTermStore longTerm;
        string description;
        if (options.Type == StorageType.Filesystem)
        {
            var root = Path.GetFullPath(options.Path);
            Directory.CreateDirectory(root);
            sql = SqlStorage.OpenSqlite(Path.Combine(root, "hv.db"), loggerFactory);
            longTerm = new FileSystemLongTermStore(Path.Combine(root, "blobs"));
            description = $"embedded filesystem storage at {root} (SQLite high-volume tier, files long-term tier)";
        }
        else
        {
            var hv = options.HighVolume!;
            var lt = options.LongTerm!;
            sql = hv.Type == HighVolumeType.Postgres
                ? SqlStorage.OpenPostgres(hv.ConnectionString!, loggerFactory)
                : SqlStorage.OpenSqlite(CreateParent(hv.Path!), loggerFactory);
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
            await sql.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await longTerm.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            (longTerm as IDisposable)?.Dispose();
            await sql.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var jobs = new BackgroundJobLoop(null, TimeProvider.System, loggerFactory.CreateLogger<BackgroundJobLoop>());
        var storage = new TieredStorage(sql.HighVolume, longTerm, sql.ChangeLog, jobs, null, TimeProvider.System, loggerFactory.CreateLogger<TieredStorage>());
        return new StorageStack(sql, longTerm, jobs, storage, description);
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
        (_longTerm as IDisposable)?.Dispose();
        await _sql.DisposeAsync().ConfigureAwait(false);
    }
}
