using Npgsql;

namespace ObjectStore.Testing;

/// <summary>
/// A throwaway PostgreSQL server: a temporary data directory, a free loopback port, durability
/// switched off for speed. One per test process (<see cref="Shared"/>); each test takes its own
/// database from <see cref="CreateDatabaseAsync"/>. A missing server binary is a failure, never a skip.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> s_shared = new(() => StartSharedAsync(DurableByEnvironment()));
    private static readonly Lazy<Task<PostgresServer>> s_sharedDurable = new(() => StartSharedAsync(durable: true));
    private static int s_databaseCounter;

    private readonly string _bin;
    private readonly string? _user;
    private readonly string _dataDir;
    private readonly bool _durable;
    private ServerProcess _process;
    private bool _stopped;

    private PostgresServer(string bin, string? user, string dataDir, int port, bool durable)
    {
        _bin = bin;
        _user = user;
        _dataDir = dataDir;
        _durable = durable;
        Port = port;
        _process = Launch();
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Connection string for the maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>The server shared by every test in this process, started on first use and stopped at exit.</summary>
    public static Task<PostgresServer> Shared => s_shared.Value;

    /// <summary>A second shared server that commits durably (<c>fsync</c>, <c>synchronous_commit</c>, <c>full_page_writes</c> on), for benchmarks.</summary>
    public static Task<PostgresServer> SharedDurable => s_sharedDurable.Value;

    /// <summary>Whether commits reach the disk before they are acknowledged.</summary>
    public bool Durable => _durable;

    /// <summary>Connection string for a database on this server.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Timeout=15;Command Timeout=60";

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}".ToLowerInvariant();
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Starts a new server (most tests want <see cref="Shared"/> instead); durable as <c>OBJECTSTORE_PG_DURABLE</c> says unless <paramref name="durable"/> is given.</summary>
    public static async Task<PostgresServer> StartAsync(bool? durable = null)
    {
        var bin = FindBinDir() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, postgres) were not found under /usr/lib/postgresql/*/bin or on PATH. " +
            "Install them with 'apt-get install postgresql' (.ci/run does this).");
        var user = ServerProcess.IsRoot ? "postgres" : null;
        RemoveStaleDataDirectories();
        var dataDir = Path.Combine(Path.GetTempPath(), $"objectstore-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        if (user is not null)
            await ServerProcess.RunAsync("chown", [user, dataDir]);
        await ServerProcess.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], user);

        var server = new PostgresServer(bin, user, dataDir, ServerProcess.FreeLoopbackPort(), durable ?? DurableByEnvironment());
        await server.WaitUntilAcceptingAsync();
        return server;
    }

    /// <summary>
    /// Stops the server as an operator would (fast shutdown: open sessions are terminated) and keeps its data
    /// directory; a dependency-outage test's tool. Never call it on <see cref="Shared"/>: other tests use that server.
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped) throw new InvalidOperationException($"postgres on port {Port} is already stopped");
        _stopped = true;
        await _process.DisposeAsync();
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>: same data directory, same port.</summary>
    public async Task RestartAsync()
    {
        if (!_stopped) throw new InvalidOperationException($"postgres on port {Port} is running");
        _process = Launch();
        _stopped = false;
        await WaitUntilAcceptingAsync();
    }

    private ServerProcess Launch() => ServerProcess.StartWatched(Path.Combine(_bin, "postgres"),
    [
        "-D", _dataDir, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _dataDir,
        "-c", "listen_addresses=127.0.0.1",
        .. DurabilitySettings(_durable),
        "-c", "max_connections=1000", "-c", "shared_buffers=128MB",
    ], _user, stopSignal: "INT");

    // Throwaway servers skip durability (fast tests and benchmarks); OBJECTSTORE_PG_DURABLE=1 turns it on, for a
    // benchmark run that measures what commits cost on a real server (issue #14).
    private static bool DurableByEnvironment() =>
        Environment.GetEnvironmentVariable("OBJECTSTORE_PG_DURABLE") switch
        {
            null or "" or "0" => false,
            "1" => true,
            var other => throw new InvalidOperationException($"OBJECTSTORE_PG_DURABLE: '{other}' is not 0 or 1"),
        };

    /// <summary>The server settings of <paramref name="durable"/> commits (what the benchmark document states).</summary>
    public static string[] DurabilitySettings(bool durable) => durable
        ? ["-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on"]
        : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

    private async Task WaitUntilAcceptingAsync()
    {
        await _process.WaitForPortAsync(Port, TimeSpan.FromSeconds(30), "postgres");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(AdminConnectionString);
                await conn.OpenAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && _process.IsRunning)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<PostgresServer> StartSharedAsync(bool durable)
    {
        var server = await StartAsync(durable);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    /// <summary>Deletes data directories left by test processes that no longer exist (named objectstore-pg-{pid}-…).</summary>
    private static void RemoveStaleDataDirectories()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), "objectstore-pg-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[2], out var pid) || Directory.Exists($"/proc/{pid}")) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string? FindBinDir()
    {
        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var best = Directory.GetDirectories(root)
                .Select(d => (dir: Path.Combine(d, "bin"), ver: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.dir, "postgres")))
                .OrderByDescending(x => x.ver)
                .FirstOrDefault();
            if (best.dir is not null) return best.dir;
        }
        var initdb = ServerProcess.FindOnPath("initdb");
        return initdb is null ? null : Path.GetDirectoryName(initdb);
    }

    /// <summary>Stops the server and removes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_stopped) await _process.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
