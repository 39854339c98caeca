using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>The built <c>objectstore</c> executable as a process: start, serve, SIGINT, exit 0; CLI errors.</summary>
public sealed class ExecutableTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "objectstore.dll");

    private sealed class Running(Process process, StringBuilder output) : IAsyncDisposable
    {
        public Process Process { get; } = process;

        public string Output
        {
            get
            {
                lock (output) return output.ToString();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
            Process.Dispose();
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "signal")]
    private static extern nint SetSignalDisposition(int signal, nint handler);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "sigaction")]
    private static extern unsafe int QuerySignalAction(int signal, void* action, void* previous);

    /// <summary>
    /// A test run started in the background of a non-interactive shell (<c>.ci/run &amp;</c>, nohup) has SIGINT ignored,
    /// and an ignored signal stays ignored across exec, so the server would never see the SIGINT this test sends — as an
    /// operator who starts it that way intends. The server under test is started as from a terminal: an ignored SIGINT
    /// is set back to its default disposition, which a child inherits; a handler the runtime installed is left alone.
    /// </summary>
    private static unsafe void InheritDefaultSigint()
    {
        const int sigint = 2;
        const nint ignored = 1;
        // struct sigaction begins with the handler; the buffer is larger than any libc's struct.
        var action = stackalloc byte[512];
        if (QuerySignalAction(sigint, null, action) == 0 && *(nint*)action == ignored) SetSignalDisposition(sigint, 0);
    }

    private static Running Start(string directory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        InheritDefaultSigint();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Running(process, output);
    }

    /// <summary>A fresh database on the shared PostgreSQL, reached through a loopback proxy the test can cut: its connection string.</summary>
    private static async Task<(LoopbackProxy Proxy, string ConnectionString)> PostgresBehindProxyAsync(string name)
    {
        var postgres = await PostgresServer.Shared;
        var database = new Npgsql.NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(name));
        var proxy = LoopbackProxy.Start(0, new IPEndPoint(IPAddress.Loopback, database.Port));
        (database.Host, database.Port) = ("127.0.0.1", proxy.Port);
        return (proxy, database.ConnectionString);
    }

    /// <summary>A server on <paramref name="port"/> with its HV on <paramref name="database"/> and LT files under <paramref name="directory"/>.</summary>
    private static Dictionary<string, string> TieredOnPostgres(string directory, int port, string database) => new()
    {
        ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}",
        ["OS__STORAGE__TYPE"] = "tiered",
        ["OS__STORAGE__HIGH_VOLUME__TYPE"] = "postgres",
        ["OS__STORAGE__HIGH_VOLUME__CONNECTION_STRING"] = database,
        ["OS__STORAGE__LONG_TERM__TYPE"] = "filesystem",
        ["OS__STORAGE__LONG_TERM__PATH"] = Path.Combine(directory, "lt"),
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string TempDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "os-exe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static async Task<int> ExitCodeAsync(Running running)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await running.Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the process did not exit within 60 s; its output:\n" + running.Output);
        }
        return running.Process.ExitCode;
    }

    private static async Task<HttpClient> WaitForHealthAsync(Running server, int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.Process.HasExited, server.Output);
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return client;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "no /health within 60 s:\n" + server.Output);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Json_logs_are_one_object_a_line_with_utc_timestamps_whatever_the_time_zone()
    {
        var directory = TempDirectory();
        var port = FreePort();
        await using var server = Start(directory, new Dictionary<string, string>
        {
            ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}",
            ["OS__STORAGE__PATH"] = Path.Combine(directory, "data"),
            ["OS__LOGGING__FORMAT"] = "json",
            // Far from UTC, so a local time labelled Z would be hours off.
            ["TZ"] = "Pacific/Kiritimati",
        }, "run");
        using (await WaitForHealthAsync(server, port))
        {
        }
        using (var kill = Process.Start("/bin/kill", ["-INT", server.Process.Id.ToString()])) await kill.WaitForExitAsync();
        Assert.Equal(0, await ExitCodeAsync(server));

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains("objectstore serving HTTP", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var timestamp = json.RootElement.GetProperty("timestamp").GetString()!;
            Assert.EndsWith("Z", timestamp);
            var utc = DateTime.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            Assert.True(Math.Abs((utc - DateTime.UtcNow).TotalHours) < 1, $"{timestamp} is not UTC: {line}");
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("level").GetString()));
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("category").GetString()));
        }
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("-INT")]
    [InlineData("-TERM")]
    public async Task Run_serves_until_SIGINT_or_SIGTERM_then_drains_and_exits_0(string signal)
    {
        var directory = TempDirectory();
        var port = FreePort();
        // http_addr from the YAML file, the storage path from the environment: both layers reach the server.
        var config = Path.Combine(directory, "objectstore.yaml");
        await File.WriteAllTextAsync(config, $"http_addr: \"127.0.0.1:{port}\"\nstorage:\n  path: ignored-by-env\n");
        await using var server = Start(directory, new Dictionary<string, string> { ["OS__STORAGE__PATH"] = Path.Combine(directory, "data") },
            "-c", config, "run");
        using var client = await WaitForHealthAsync(server, port);
        var put = await client.PutAsync("/v1/objects/exe/_/hello", new ByteArrayContent("from the process"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("from the process", await client.GetStringAsync("/v1/objects/exe/_/hello"));
        Assert.Contains("Auth is NOT enforced", server.Output);
        await using (var check = Start(directory, new Dictionary<string, string> { ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}" }, "healthcheck"))
            Assert.Equal(0, await ExitCodeAsync(check));

        using (var kill = Process.Start("/bin/kill", [signal, server.Process.Id.ToString()])) await kill.WaitForExitAsync();
        Assert.Equal(0, await ExitCodeAsync(server));
        Assert.True(File.Exists(Path.Combine(directory, "data", "hv.db")));
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("OS__HTTP_ADDR", "not-an-address", "http_addr")]
    [InlineData("OS__SERVICE__MAX_CONCURRENCY", "-3", "service.max_concurrency")]
    // Secure by default: a non-loopback address without auth keys refuses to start.
    [InlineData("OS__HTTP_ADDR", "0.0.0.0:1", "auth.keys")]
    public async Task A_bad_configuration_exits_2_naming_the_key(string variable, string value, string key)
    {
        var directory = TempDirectory();
        await using var server = Start(directory, new Dictionary<string, string> { [variable] = value }, "run");
        Assert.Equal(2, await ExitCodeAsync(server));
        Assert.Contains(key, server.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("postgres", "PostgreSQL is unreachable (storage.high_volume.connection_string): ")]
    [InlineData("s3", "S3 is unreachable (storage.long_term.endpoint): ")]
    [InlineData("membership", "PostgreSQL is unreachable (cluster.membership.connection_string): ")]
    public async Task A_dependency_unreachable_at_start_is_one_line_naming_it_and_its_key_and_exit_2(string dependency, string line)
    {
        var directory = TempDirectory();
        var closed = $"127.0.0.1:{FreePort()}";
        var environment = new Dictionary<string, string>
        {
            ["OS__STORAGE__TYPE"] = "tiered",
            ["OS__STORAGE__HIGH_VOLUME__TYPE"] = dependency == "postgres" ? "postgres" : "sqlite",
            ["OS__STORAGE__HIGH_VOLUME__CONNECTION_STRING"] = $"Host=127.0.0.1;Port={closed.Split(':')[1]};Username=u;Password=p;Database=d",
            ["OS__STORAGE__HIGH_VOLUME__PATH"] = Path.Combine(directory, "hv.db"),
            ["OS__STORAGE__LONG_TERM__TYPE"] = dependency == "s3" ? "s3" : "filesystem",
            ["OS__STORAGE__LONG_TERM__PATH"] = Path.Combine(directory, "lt"),
            ["OS__STORAGE__LONG_TERM__ENDPOINT"] = "http://" + closed,
            ["OS__STORAGE__LONG_TERM__BUCKET"] = "bucket",
            ["OS__STORAGE__LONG_TERM__ACCESS_KEY"] = "key",
            ["OS__STORAGE__LONG_TERM__SECRET_KEY"] = "secret",
        };
        if (dependency == "membership")
        {
            environment["OS__CLUSTER__MEMBERSHIP__TYPE"] = "postgres";
            environment["OS__CLUSTER__MEMBERSHIP__CONNECTION_STRING"] = environment["OS__STORAGE__HIGH_VOLUME__CONNECTION_STRING"];
        }
        await using var server = Start(directory, environment, "run");

        Assert.Equal(2, await ExitCodeAsync(server));
        Assert.Contains("objectstore: cannot start: " + line, server.Output);
        Assert.DoesNotContain("   at ", server.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task With_wait_for_dependencies_a_server_started_before_its_database_serves_once_the_database_answers()
    {
        var (proxy, database) = await PostgresBehindProxyAsync("startup");
        await using var _ = proxy;
        proxy.Cut();
        var directory = TempDirectory();
        var port = FreePort();
        var environment = TieredOnPostgres(directory, port, database);
        environment["OS__STARTUP__WAIT_FOR_DEPENDENCIES"] = "2m";
        await using var server = Start(directory, environment, "run");

        await Eventually.True(() => server.Output.Contains("objectstore: waiting for PostgreSQL (storage.high_volume.connection_string, startup.wait_for_dependencies): "),
            "the server says it waits for PostgreSQL", 60_000);
        Assert.False(server.Process.HasExited, server.Output);

        proxy.Restore();
        using var client = await WaitForHealthAsync(server, port);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/objects/exe/_/after-the-wait", new ByteArrayContent("up"u8.ToArray()))).StatusCode);
        Assert.Equal("up", await client.GetStringAsync("/v1/objects/exe/_/after-the-wait"));
        Assert.DoesNotContain("   at ", server.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Ready_is_503_while_PostgreSQL_is_unreachable_and_200_again_once_it_answers()
    {
        var (proxy, database) = await PostgresBehindProxyAsync("ready");
        await using var _ = proxy;
        var directory = TempDirectory();
        var port = FreePort();
        await using var server = Start(directory, TieredOnPostgres(directory, port, database), "run");
        using var client = await WaitForHealthAsync(server, port);
        // Started through its maintenance grains (which read their state from PostgreSQL), not only listening.
        await Eventually.True(() => server.Output.Contains("objectstore serving HTTP"), "the server says it serves", 60_000);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ready")).StatusCode);

        proxy.Cut();
        await Eventually.True(async () =>
        {
            try
            {
                return (await client.GetAsync("/ready")).StatusCode == HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException e)
            {
                await Task.Delay(500);
                throw new Xunit.Sdk.XunitException($"/ready failed ({e.Message}); the server {(server.Process.HasExited ? "exited" : "runs")}:\n{server.Output}");
            }
        }, "/ready answers 503 while PostgreSQL is unreachable", 30_000);
        Assert.StartsWith("Not ready: ", await client.GetStringAsync("/health") == "OK" ? await (await client.GetAsync("/ready")).Content.ReadAsStringAsync() : "");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PutAsync("/v1/objects/exe/_/while-down", new ByteArrayContent("x"u8.ToArray()))).StatusCode);

        proxy.Restore();
        await Eventually.True(async () => (await client.GetAsync("/ready")).StatusCode == HttpStatusCode.OK,
            "/ready answers 200 once PostgreSQL answers again", 30_000);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/objects/exe/_/after", new ByteArrayContent("x"u8.ToArray()))).StatusCode);
        Assert.False(server.Process.HasExited, server.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_refuses_to_start_and_the_first_keeps_serving()
    {
        var directory = TempDirectory();
        var data = Path.Combine(directory, "data");
        var port = FreePort();
        await using var first = Start(directory, new Dictionary<string, string> { ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}", ["OS__STORAGE__PATH"] = data }, "run");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.True(async () =>
        {
            Assert.False(first.Process.HasExited, first.Output);
            try
            {
                return (await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the first server answers /health", 60_000);

        await using (var second = Start(directory, new Dictionary<string, string> { ["OS__HTTP_ADDR"] = $"127.0.0.1:{FreePort()}", ["OS__STORAGE__PATH"] = data }, "run"))
        {
            Assert.Equal(1, await ExitCodeAsync(second));
            Assert.Contains("is in use by another objectstore process", second.Output);
        }

        var put = await client.PutAsync("/v1/objects/exe/_/still-mine", new ByteArrayContent("first"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("first", await client.GetStringAsync("/v1/objects/exe/_/still-mine"));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Healthcheck_exits_1_when_nothing_listens()
    {
        var directory = TempDirectory();
        await using var check = Start(directory, new Dictionary<string, string> { ["OS__HTTP_ADDR"] = $"127.0.0.1:{FreePort()}" }, "healthcheck");
        Assert.Equal(1, await ExitCodeAsync(check));
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData(0, "version")]
    [InlineData(2, "fly")]
    [InlineData(2)]
    [InlineData(2, "sleep")]
    [InlineData(2, "sleep", "soon")]
    [InlineData(0, "sleep", "0")]
    public async Task The_command_line_is_checked(int exitCode, params string[] args)
    {
        var directory = TempDirectory();
        await using var process = Start(directory, new Dictionary<string, string>(), args);
        Assert.Equal(exitCode, await ExitCodeAsync(process));
        if (args is ["version"]) Assert.Contains("objectstore 0.1.0", process.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("-c", "no-such-file.yaml", "--help")]
    public async Task Help_prints_every_command_and_where_the_keys_are_and_exits_0(params string[] args)
    {
        var directory = TempDirectory();
        await using var process = Start(directory, new Dictionary<string, string>(), args);
        Assert.Equal(0, await ExitCodeAsync(process));
        foreach (var command in (string[])["run", "healthcheck", "version", "sleep", "down", "put, get, head, rm", "docs/configuration.md"])
            Assert.Contains(command, process.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("run", "serve the HTTP API")]
    [InlineData("down", "not ready")]
    [InlineData("sleep", "sleep <seconds>")]
    public async Task A_command_s_help_describes_it_and_exits_0_without_running_it(string command, string description)
    {
        var directory = TempDirectory();
        foreach (var args in (string[][])[[command, "--help"], ["help", command]])
        {
            await using var process = Start(directory, new Dictionary<string, string>(), args);
            Assert.Equal(0, await ExitCodeAsync(process));
            Assert.Contains($"usage: objectstore [-c|--config <file>] {command}", process.Output);
            Assert.Contains(description, process.Output);
            Assert.DoesNotContain("objectstore serving HTTP", process.Output);
        }
        Assert.False(File.Exists(Path.Combine(directory, "data", "hv.db")));
        Directory.Delete(directory, recursive: true);
    }
}
