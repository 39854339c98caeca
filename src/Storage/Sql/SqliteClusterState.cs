namespace ObjectStore.Storage.Sql;

/// <summary>
/// The cluster runtime's durable state (reminders and grain state) in the SQLite file that holds the
/// HV store, so the embedded default keeps everything in one file. Its schema is the migration
/// component <c>orleans</c>; the rows speak plain types so this assembly depends on no runtime.
/// </summary>
public sealed class SqliteClusterState
{
    /// <summary>The migration component recorded in <c>schema_version</c>.</summary>
    public const string Component = "orleans";

    private static readonly string[] s_migrations =
    [
        // Reminders: keyed like Orleans' own tables (service, grain, name); grain_hash is the grain's
        // uniform hash (0..2^32-1, exact in an INTEGER) and is indexed for the ring-range scans each
        // silo runs. Times are .NET ticks so StartAt and Period round-trip exactly.
        // Grain state: a rowid table because payloads can be large; a cleared state keeps its row
        // (payload NULL) so its version keeps counting up and a stale ETag can never match again.
        """
        CREATE TABLE orleans_reminders (
            service_id   TEXT NOT NULL,
            grain_id     TEXT NOT NULL,
            name         TEXT NOT NULL,
            grain_hash   INTEGER NOT NULL,
            start_ticks  INTEGER NOT NULL,
            period_ticks INTEGER NOT NULL,
            version      TEXT NOT NULL,
            PRIMARY KEY (service_id, grain_id, name)
        ) WITHOUT ROWID;
        CREATE INDEX orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);
        CREATE TABLE orleans_grain_state (
            service_id TEXT NOT NULL,
            state_name TEXT NOT NULL,
            grain_id   TEXT NOT NULL,
            payload    BLOB,
            version    INTEGER NOT NULL,
            UNIQUE (service_id, state_name, grain_id)
        );
        """,
    ];

    private readonly SqliteDatabase _db;

    internal SqliteClusterState(SqliteDatabase db)
    {
        _db = db;
        Reminders = new SqliteReminderRows(db);
        GrainStates = new SqliteGrainStateRows(db);
    }

    /// <summary>The reminder rows.</summary>
    public SqliteReminderRows Reminders { get; }

    /// <summary>The grain state rows.</summary>
    public SqliteGrainStateRows GrainStates { get; }

    /// <summary>Creates or migrates the tables. Idempotent, safe to call from every provider that starts.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _db.MigrateAsync(Component, s_migrations, cancellationToken);
}
