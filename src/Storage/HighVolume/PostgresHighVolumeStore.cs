using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Storage.HighVolume;

/// <summary>The cluster HV store on PostgreSQL: <c>bytea</c> payloads, row locks for CAS, a partial index for expiry scans.</summary>
public sealed class PostgresHighVolumeStore : SqlHighVolumeStore
{
    private static readonly string[] s_migrations =
    [
        // payload: STORAGE EXTERNAL skips TOAST compression, which only burns CPU on (often zstd) blobs.
        """
        CREATE TABLE IF NOT EXISTS hv_objects (
            id_hash bytea PRIMARY KEY,
            usecase bytea NOT NULL,
            scopes bytea NOT NULL,
            key bytea NOT NULL,
            kind smallint NOT NULL,
            target_usecase bytea,
            target_scopes bytea,
            target_key bytea,
            expires_at bigint,
            metadata bytea NOT NULL,
            payload bytea
        );
        ALTER TABLE hv_objects ALTER COLUMN payload SET STORAGE EXTERNAL;
        CREATE INDEX IF NOT EXISTS hv_objects_expires_at ON hv_objects (expires_at) WHERE expires_at IS NOT NULL;
        """,
    ];

    /// <summary>A store on the database behind <paramref name="dataSource"/> (owned by the caller); call <see cref="SqlHighVolumeStore.InitializeAsync"/> before use.</summary>
    public PostgresHighVolumeStore(NpgsqlDataSource dataSource, ILogger<PostgresHighVolumeStore>? logger = null)
        : this(new PostgresDatabase(dataSource, (ILogger?)logger ?? NullLogger.Instance), (ILogger?)logger ?? NullLogger.Instance)
    {
    }

    internal PostgresHighVolumeStore(PostgresDatabase database, ILogger logger) : base(database, logger)
    {
    }

    private protected override IReadOnlyList<string> Migrations => s_migrations;
}
