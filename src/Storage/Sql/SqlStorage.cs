using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// The HV store and the change log on one SQL database, the way every deployment wants them:
/// a SQLite file in embedded mode, one PostgreSQL data source in a cluster.
/// </summary>
public sealed class SqlStorage : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _ownedDataSource;

    private SqlStorage(SqlHighVolumeStore highVolume, SqlChangeLog changeLog, SqliteClusterState? clusterState, NpgsqlDataSource? ownedDataSource)
    {
        HighVolume = highVolume;
        ChangeLog = changeLog;
        ClusterState = clusterState;
        _ownedDataSource = ownedDataSource;
    }

    /// <summary>The high-volume store.</summary>
    public SqlHighVolumeStore HighVolume { get; }

    /// <summary>The change log, in the same database.</summary>
    public SqlChangeLog ChangeLog { get; }

    /// <summary>
    /// The cluster runtime's reminders and grain state in the same SQLite file (the embedded default);
    /// null on PostgreSQL, where the runtime's own ADO.NET providers keep them.
    /// </summary>
    public SqliteClusterState? ClusterState { get; }

    /// <summary>Both, and the cluster state, on the SQLite file at <paramref name="path"/> (created if missing).</summary>
    public static SqlStorage OpenSqlite(string path, ILoggerFactory? loggerFactory = null, GroupCommitOptions? groupCommit = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var database = new SqliteDatabase(path, loggerFactory.CreateLogger<SqliteDatabase>(), groupCommit);
        return new SqlStorage(
            new SqliteHighVolumeStore(database, loggerFactory.CreateLogger<SqliteHighVolumeStore>()),
            new SqliteChangeLog(database, loggerFactory.CreateLogger<SqliteChangeLog>()),
            new SqliteClusterState(database),
            null);
    }

    /// <summary>Both on the PostgreSQL database behind <paramref name="dataSource"/> (owned by the caller).</summary>
    public static SqlStorage OpenPostgres(NpgsqlDataSource dataSource, ILoggerFactory? loggerFactory = null, GroupCommitOptions? groupCommit = null) =>
        OpenPostgres(dataSource, loggerFactory, groupCommit, owned: false);

    /// <summary>Both on the PostgreSQL database at <paramref name="connectionString"/>, through one data source disposed with this object.</summary>
    public static SqlStorage OpenPostgres(string connectionString, ILoggerFactory? loggerFactory = null, GroupCommitOptions? groupCommit = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (loggerFactory is not null) builder.UseLoggerFactory(loggerFactory);
        return OpenPostgres(builder.Build(), loggerFactory, groupCommit, owned: true);
    }

    /// <summary>Creates or migrates every schema in the database (on SQLite, the cluster state's too). Idempotent.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await HighVolume.InitializeAsync(cancellationToken);
        await ChangeLog.InitializeAsync(cancellationToken);
        if (ClusterState is not null) await ClusterState.InitializeAsync(cancellationToken);
    }

    /// <summary>Disposes the data source when this object created it.</summary>
    public ValueTask DisposeAsync() => _ownedDataSource?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static SqlStorage OpenPostgres(NpgsqlDataSource dataSource, ILoggerFactory? loggerFactory, GroupCommitOptions? groupCommit, bool owned)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var database = new PostgresDatabase(dataSource, loggerFactory.CreateLogger<PostgresDatabase>(), groupCommit);
        return new SqlStorage(
            new PostgresHighVolumeStore(database, loggerFactory.CreateLogger<PostgresHighVolumeStore>()),
            new PostgresChangeLog(database, loggerFactory.CreateLogger<PostgresChangeLog>()),
            null,
            owned ? dataSource : null);
    }
}
