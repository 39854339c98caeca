using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// The PostgreSQL schema Orleans' ADO.NET clustering, reminders and grain-state providers run on:
/// their tables and the <c>OrleansQuery</c> statements they load at start-up, applied as the
/// versioned migration component <c>"orleans"</c>. Storage knows the SQL text only, nothing of Orleans.
/// </summary>
/// <remarks>
/// The silo calls <see cref="MigratePostgresAsync"/> on each database it points a provider at
/// (membership may live apart from reminders and grain state) before starting the providers,
/// which then use invariant <c>"Npgsql"</c> on the same database. Requires PostgreSQL 15+
/// (<c>UNIQUE NULLS NOT DISTINCT</c> on the grain-state key).
/// </remarks>
public static class OrleansSchema
{
    /// <summary>The component name under which <c>schema_version</c> records these migrations.</summary>
    public const string Component = "orleans";

    // Table and column names are unquoted (lower case): the providers read the catalogue with
    // "SELECT QueryKey, QueryText FROM OrleansQuery", which PostgreSQL folds to orleansquery.
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey text PRIMARY KEY,
            querytext text NOT NULL
        );

        CREATE TABLE IF NOT EXISTS orleans_membership_version (
            deployment_id text PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            modified_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE IF NOT EXISTS orleans_membership (
            deployment_id text NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
            address text NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name text NOT NULL,
            host_name text NOT NULL,
            status integer NOT NULL,
            proxy_port integer NOT NULL,
            suspect_times text,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)
        );

        CREATE TABLE IF NOT EXISTS orleans_reminders (
            service_id text NOT NULL,
            grain_id text NOT NULL,
            reminder_name text NOT NULL,
            start_time timestamptz NOT NULL,
            period bigint NOT NULL,
            grain_hash integer NOT NULL,
            version integer NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)
        );
        CREATE INDEX IF NOT EXISTS orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

        CREATE TABLE IF NOT EXISTS orleans_storage (
            service_id text NOT NULL,
            grain_type_string text NOT NULL,
            grain_id_n0 bigint NOT NULL,
            grain_id_n1 bigint NOT NULL,
            grain_id_extension_string text,
            grain_id_hash integer NOT NULL,
            grain_type_hash integer NOT NULL,
            payload_binary bytea,
            version integer NOT NULL,
            modified_on timestamptz NOT NULL,
            CONSTRAINT orleans_storage_key UNIQUE NULLS NOT DISTINCT
                (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string)
        );
        """;

    // Statements are data, not schema: a change to one needs a new migration entry that runs
    // PublishStatements() again (it upserts every key, so re-running it is harmless).
    private static readonly string[] s_migrations =
    [
        Tables + PublishStatements(),
    ];

    /// <summary>The migrations in order; index i is schema version i + 1.</summary>
    internal static IReadOnlyList<string> Migrations => s_migrations;

    /// <summary>Applies the "orleans" migrations on the database behind <paramref name="dataSource"/> (owned by the caller). Idempotent and safe from several silos at once.</summary>
    public static Task MigratePostgresAsync(NpgsqlDataSource dataSource, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(OrleansSchema));
        var database = new PostgresDatabase(dataSource, logger);
        return database.MigrateAsync(Component, s_migrations, cancellationToken);
    }

    // Dollar quoting keeps the statement text verbatim (quotes included) without escaping.
    private static string PublishStatements()
    {
        const string tag = "$orleans$";
        var sql = new StringBuilder();
        foreach (var (key, text) in OrleansQueries.All)
        {
            if (text.Contains(tag, StringComparison.Ordinal)) throw new InvalidOperationException($"statement {key} contains {tag}");
            sql.Append("INSERT INTO orleansquery (querykey, querytext) VALUES ('").Append(key).Append("', ")
                .Append(tag).Append(text).Append(tag)
                .AppendLine(") ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;");
        }
        return sql.ToString();
    }
}
