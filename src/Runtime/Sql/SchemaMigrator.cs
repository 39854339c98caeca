using System.Data.Common;

namespace ObjectStore.Runtime.Sql;

/// <summary>
/// Applies a component's versioned schema scripts once each, in order, inside one transaction, and
/// records the reached version in <c>runtime_schema_versions</c>. Safe to run from many processes at
/// once: PostgreSQL callers pass an advisory-lock statement that serializes the migration, SQLite
/// callers run it in an immediate (write-locked) transaction.
/// </summary>
internal static class SchemaMigrator
{
    private const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS runtime_schema_versions (component text PRIMARY KEY, version integer NOT NULL)";

    /// <summary>Brings <paramref name="component"/> to <c>scripts.Count</c>; script i moves version i to i + 1.</summary>
    public static async Task MigrateAsync(DbConnection connection, DbTransaction transaction, string component,
        IReadOnlyList<string> scripts, string? lockStatement, CancellationToken cancellationToken)
    {
        if (lockStatement is not null)
            await ExecuteAsync(connection, transaction, lockStatement, cancellationToken);
        await ExecuteAsync(connection, transaction, CreateVersionTable, cancellationToken);

        int current;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version FROM runtime_schema_versions WHERE component = @component";
            AddParameter(read, "@component", component);
            var value = await read.ExecuteScalarAsync(cancellationToken);
            current = value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (current > scripts.Count)
            throw new InvalidOperationException(
                $"The database holds schema version {current} of '{component}', newer than this build knows ({scripts.Count}); upgrade the binaries.");

        for (var v = current; v < scripts.Count; v++)
            await ExecuteAsync(connection, transaction, scripts[v], cancellationToken);

        if (current < scripts.Count)
        {
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText =
                "INSERT INTO runtime_schema_versions (component, version) VALUES (@component, @version) " +
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version";
            AddParameter(write, "@component", component);
            AddParameter(write, "@version", scripts.Count);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
