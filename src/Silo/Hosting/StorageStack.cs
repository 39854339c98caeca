using Microsoft.Extensions.Logging;
using Npgsql;
using ObjectStore.Runtime.Reminders;
using ObjectStore.Silo.Configuration;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// The storage a process serves from, opened per <c>storage</c>: the embedded default (SQLite HV and change log at
/// <c>{path}/hv.db</c>, files LT under <c>{path}/blobs</c>) or explicit tiers (PostgreSQL or SQLite HV, S3 or
/// filesystem LT). Owns the SQL storage, the LT store, the silo's reminder table (next to HV: the same PostgreSQL
/// database, or a SQLite file beside the HV file) and the background job loop.
/// </summary>
internal sealed class StorageStack : IAsyncDisposable
{
    private readonly SqlStorage _sql;
    private readonly NpgsqlDataSource? _postgres;

    private StorageStack(SqlStorage sql, NpgsqlDataSource? postgres, ILongTermStore longTerm, IReminderTable reminders, BackgroundJobLoop jobs, TieredStorage storage, string description)
    {
        _sql = sql;
        _postgres = postgres;
        LongTerm = longTerm;
        Reminders = reminders;
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

    /// <summary>The durable reminder table of the silo.</summary>
    public IReminderTable Reminders { get; }

    /// <summary>The cleanup loop TieredStorage queues on.</summary>
    public BackgroundJobLoop Jobs { get; }

    /// <summary>What runs, for the start-up log.</summary>
    public string Description { get; }

    /// <summary>Opens, creates schemas and directories, and wires the tiers; <paramref name="owner"/> (the silo id) owns change entries.</summary>
    public static async Task<StorageStack> OpenAsync(StorageOptions options, string owner, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        SqlStorage sql;
        ILongTermStore longTerm;
        IReminderTable reminders;
        NpgsqlDataSource? postgres = null;
        string description;
        if (options.Type == StorageType.Filesystem)
        {
            var root = Path.GetFullPath(options.Path);
            Directory.CreateDirectory(root);
            sql = SqlStorage.OpenSqlite(Path.Combine(root, "hv.db"), loggerFactory);
            reminders = new SqliteReminderTable(Path.Combine(root, "reminders.db"));
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
                sql = SqlStorage.OpenPostgres(postgres, loggerFactory);
                reminders = new PostgresReminderTable(postgres);
            }
            else
            {
                var path = CreateParent(hv.Path!);
                sql = SqlStorage.OpenSqlite(path, loggerFactory);
                reminders = new SqliteReminderTable(path + ".reminders");
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
            await sql.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await longTerm.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await reminders.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            (longTerm as IDisposable)?.Dispose();
            (reminders as IDisposable)?.Dispose();
            await sql.DisposeAsync().ConfigureAwait(false);
            if (postgres is not null) await postgres.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var jobs = new BackgroundJobLoop(null, TimeProvider.System, loggerFactory.CreateLogger<BackgroundJobLoop>());
        var storage = new TieredStorage(sql.HighVolume, longTerm, sql.ChangeLog, jobs, new TieredStorageOptions { Owner = owner },
            TimeProvider.System, loggerFactory.CreateLogger<TieredStorage>());
        return new StorageStack(sql, postgres, longTerm, reminders, jobs, storage, description);
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
        (Reminders as IDisposable)?.Dispose();
        await _sql.DisposeAsync().ConfigureAwait(false);
        if (_postgres is not null) await _postgres.DisposeAsync().ConfigureAwait(false);
    }
}
