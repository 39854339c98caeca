using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Storage.HighVolume;

/// <summary>The embedded default HV store: a SQLite file (WAL mode), safe for concurrent callers in one process.</summary>
public sealed class SqliteHighVolumeStore : SqlHighVolumeStore
{
    private static readonly string[] s_migrations = [Schema("hv_objects")];

    /// <summary>The HV table and its expiry index under the name <paramref name="table"/> (the bench's raw SQLite baseline creates the same).</summary>
    internal static string Schema(string table) =>
        $"""
        CREATE TABLE IF NOT EXISTS {table} (
            id_hash BLOB PRIMARY KEY,
            usecase BLOB NOT NULL,
            scopes BLOB NOT NULL,
            key BLOB NOT NULL,
            kind INTEGER NOT NULL,
            target_usecase BLOB,
            target_scopes BLOB,
            target_key BLOB,
            expires_at INTEGER,
            metadata BLOB NOT NULL,
            payload BLOB
        );
        CREATE INDEX IF NOT EXISTS {table}_expires_at ON {table} (expires_at) WHERE expires_at IS NOT NULL;
        """;

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>; call <see cref="SqlHighVolumeStore.InitializeAsync"/> before use.</summary>
    public SqliteHighVolumeStore(string path, ILogger<SqliteHighVolumeStore>? logger = null)
        : this(new SqliteDatabase(path, (ILogger?)logger ?? NullLogger.Instance), (ILogger?)logger ?? NullLogger.Instance)
    {
    }

    internal SqliteHighVolumeStore(SqliteDatabase database, ILogger logger) : base(database, logger)
    {
    }

    private protected override IReadOnlyList<string> Migrations => s_migrations;
}
