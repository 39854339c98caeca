using System.Data;
using System.Data.Common;
using Npgsql;
using ObjectStore.Storage.Sql;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>One parameter the way Orleans' providers bind it: a name without '@', a DbType from their type map.</summary>
public readonly record struct OrleansParameter(string Name, object? Value, DbType Type)
{
    public static OrleansParameter Str(string name, string? value) => new(name, value, DbType.String);

    // Orleans binds Address and reminder GrainId as AnsiString.
    public static OrleansParameter Ansi(string name, string value) => new(name, value, DbType.AnsiString);

    public static OrleansParameter Int(string name, int? value) => new(name, value, DbType.Int32);

    public static OrleansParameter Long(string name, long value) => new(name, value, DbType.Int64);

    public static OrleansParameter Time(string name, DateTime value) => new(name, value, DbType.DateTime);

    public static OrleansParameter Bytes(string name, byte[] value) => new(name, value, DbType.Binary);
}

/// <summary>
/// A freshly migrated database for one test class, and a runner that executes an OrleansQuery
/// statement the way the ADO.NET providers do: text loaded from the table by key, a plain
/// command on a connection, parameters bound by name, result columns read by name.
/// </summary>
public sealed class OrleansTestDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;
    private Dictionary<string, string>? _queries;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.Shared;
        // A session time zone far from UTC: a timestamp/timestamptz mix-up anywhere shifts values and fails the tests.
        var connectionString = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("orleans")) { Options = "-c TimeZone=Pacific/Auckland" };
        _dataSource = NpgsqlDataSource.Create(connectionString.ConnectionString);
        await OrleansSchema.MigratePostgresAsync(_dataSource, null, CancellationToken.None);
        _queries = await LoadQueriesAsync(_dataSource);
    }

    /// <summary>The catalogue read with the providers' own statement.</summary>
    public static async Task<Dictionary<string, string>> LoadQueriesAsync(NpgsqlDataSource dataSource)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            queries.Add((string)reader.GetValue(reader.GetOrdinal("QueryKey")), (string)reader.GetValue(reader.GetOrdinal("QueryText")));
        return queries;
    }

    /// <summary>Runs the statement stored under <paramref name="key"/> and maps every row with <paramref name="selector"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string key, Func<DbDataReader, T> selector, params OrleansParameter[] parameters)
    {
        await using DbConnection connection = DataSource.CreateConnection();
        await connection.OpenAsync();
        await using var command = Command(connection, key, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(selector(reader));
        return rows;
    }

    /// <summary>Runs a statement whose result the provider ignores.</summary>
    public async Task ExecuteAsync(string key, params OrleansParameter[] parameters)
    {
        await using DbConnection connection = DataSource.CreateConnection();
        await connection.OpenAsync();
        await using var command = Command(connection, key, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A statement answering one boolean column, read as the providers do (one column, Convert.ToBoolean).</summary>
    public async Task<bool> BooleanAsync(string key, params OrleansParameter[] parameters)
    {
        var rows = await QueryAsync(key, r =>
        {
            Assert.Equal(1, r.FieldCount);
            return Convert.ToBoolean(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        }, parameters);
        return Assert.Single(rows);
    }

    /// <summary>A single scalar from plain SQL, for checking table contents behind the statements' back.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private DbCommand Command(DbConnection connection, string key, OrleansParameter[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = (_queries ?? throw new InvalidOperationException("not started"))[key];
        foreach (var p in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = p.Name;
            parameter.Value = p.Value ?? DBNull.Value;
            parameter.DbType = p.Type;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }
}

/// <summary>Reads result columns the way the providers do: by name, with their accessors.</summary>
public static class OrleansColumns
{
    public static int Int(this DbDataReader r, string name) => r.GetInt32(r.GetOrdinal(name));

    public static int Version(this DbDataReader r) => Convert.ToInt32(r.GetValue(r.GetOrdinal("Version")), System.Globalization.CultureInfo.InvariantCulture);

    public static string Text(this DbDataReader r, string name) => (string)r.GetValue(r.GetOrdinal(name));

    public static string? TextOrNull(this DbDataReader r, string name) => r.IsDBNull(r.GetOrdinal(name)) ? null : (string)r.GetValue(r.GetOrdinal(name));

    public static DateTime? TimeOrNull(this DbDataReader r, string name) =>
        r.IsDBNull(r.GetOrdinal(name)) ? null : DateTime.SpecifyKind(r.GetDateTime(r.GetOrdinal(name)), DateTimeKind.Utc);

    // Reminders' Period: GetInt64 unless the column is int (old schemas).
    public static long Period(this DbDataReader r)
    {
        var i = r.GetOrdinal("Period");
        return r.GetFieldType(i) == typeof(int) ? r.GetInt32(i) : r.GetInt64(i);
    }
}
