using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Storage.ChangeLog;

/// <summary>The change log in the PostgreSQL HV database; recovery claims use <c>FOR UPDATE SKIP LOCKED</c>.</summary>
public sealed class PostgresChangeLog : SqlChangeLog
{
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS change_log (
            id uuid PRIMARY KEY,
            usecase bytea NOT NULL,
            scopes bytea NOT NULL,
            key bytea NOT NULL,
            new_usecase bytea,
            new_scopes bytea,
            new_key bytea,
            old_usecase bytea,
            old_scopes bytea,
            old_key bytea,
            phase smallint NOT NULL,
            cleanup_after bigint,
            owner text NOT NULL,
            recorded_at bigint NOT NULL,
            claimed_until bigint
        );
        CREATE INDEX IF NOT EXISTS change_log_recorded_at ON change_log (recorded_at);
        """,
    ];

    /// <summary>A change log on the database behind <paramref name="dataSource"/> (owned by the caller); call <see cref="SqlChangeLog.InitializeAsync"/> before use.</summary>
    public PostgresChangeLog(NpgsqlDataSource dataSource, ILogger<PostgresChangeLog>? logger = null)
        : this(new PostgresDatabase(dataSource, (ILogger?)logger ?? NullLogger.Instance), (ILogger?)logger ?? NullLogger.Instance)
    {
    }

    internal PostgresChangeLog(PostgresDatabase database, ILogger logger) : base(database, logger)
    {
    }

    private protected override IReadOnlyList<string> Migrations => s_migrations;

    private protected override string OwnerNotLive => "NOT (owner = ANY(@live))";

    private protected override void AddLiveOwners(DbCommand command, IReadOnlyCollection<string> liveOwners) =>
        command.Parameters.Add(new NpgsqlParameter<string[]>("live", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. liveOwners] });
}
