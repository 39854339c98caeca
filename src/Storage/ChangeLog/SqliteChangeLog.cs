using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Storage.ChangeLog;

/// <summary>The change log in the embedded SQLite HV database file.</summary>
public sealed class SqliteChangeLog : SqlChangeLog
{
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS change_log (
            id BLOB PRIMARY KEY,
            usecase BLOB NOT NULL,
            scopes BLOB NOT NULL,
            key BLOB NOT NULL,
            new_usecase BLOB,
            new_scopes BLOB,
            new_key BLOB,
            old_usecase BLOB,
            old_scopes BLOB,
            old_key BLOB,
            phase INTEGER NOT NULL,
            cleanup_after INTEGER,
            owner TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            claimed_until INTEGER
        );
        CREATE INDEX IF NOT EXISTS change_log_recorded_at ON change_log (recorded_at);
        """,
    ];

    /// <summary>A change log in the database file at <paramref name="path"/> (usually the HV file); call <see cref="SqlChangeLog.InitializeAsync"/> before use.</summary>
    public SqliteChangeLog(string path, ILogger<SqliteChangeLog>? logger = null)
        : this(new SqliteDatabase(path, (ILogger?)logger ?? NullLogger.Instance), (ILogger?)logger ?? NullLogger.Instance)
    {
    }

    internal SqliteChangeLog(SqliteDatabase database, ILogger logger) : base(database, logger)
    {
    }

    private protected override IReadOnlyList<string> Migrations => s_migrations;

    // SQLite has no arrays: the live owners travel as one JSON array parameter.
    private protected override string OwnerNotLive => "owner NOT IN (SELECT value FROM json_each(@live))";

    private protected override void AddLiveOwners(DbCommand command, IReadOnlyCollection<string> liveOwners) =>
        SqlDatabase.Add(command, "live", DbType.String, ToJsonArray(liveOwners));

    private static string ToJsonArray(IReadOnlyCollection<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values) writer.WriteStringValue(value);
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
