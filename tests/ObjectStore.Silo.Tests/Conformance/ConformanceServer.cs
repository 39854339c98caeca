using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Gateway.Endpoints;
using ObjectStore.Gateway.Tests.Http;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Hosting;
using ObjectStore.Testing;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// Real servers on free loopback ports, configured through the same loader as <c>objectstore run</c> (<c>OS__…</c>
/// variables) and started through <see cref="ServerHost"/>: one with the embedded default storage in a temp directory,
/// or several processes' worth forming a cluster on shared PostgreSQL and S3, requests spread over all of them.
/// </summary>
internal sealed class ConformanceServer : IAsyncDisposable
{
    private readonly ServerHost[] _hosts;
    private readonly Func<int, Task<ServerHost>> _start;
    private int _next;

    private ConformanceServer(ServerHost[] hosts, Func<int, Task<ServerHost>> start, string directory)
    {
        _hosts = hosts;
        _start = start;
        Directory = directory;
    }

    /// <summary>Stops server <paramref name="index"/> and starts it again on the same configuration and data directory (a new port).</summary>
    public async Task RestartAsync(int index = 0)
    {
        await _hosts[index].DisposeAsync();
        _hosts[index] = await _start(index);
    }

    /// <summary>The temp directory holding data and the shutdown marker.</summary>
    public string Directory { get; }

    /// <summary>A listening port; in a cluster, each call names the next server in turn.</summary>
    public int Port => _hosts[(int)((uint)Interlocked.Increment(ref _next) % _hosts.Length)].Address.Port;

    /// <summary>The marker file <c>/ready</c> checks.</summary>
    public string DownFile => Path.Combine(Directory, "objectstore.down");

    /// <summary>Starts one server with the given extra <c>OS__</c> variables (names without the prefix, e.g. <c>HTTP__MAX_REQUESTS</c>).</summary>
    public static Task<ConformanceServer> StartAsync(params (string Name, string Value)[] environment) => StartAsync(1, environment);

    /// <summary>Starts <paramref name="count"/> servers with the same configuration.</summary>
    public static Task<ConformanceServer> StartAsync(int count, params (string Name, string Value)[] environment) =>
        StartAsync(count, 0, environment);

    /// <summary>Starts one server whose endpoints call the storage backend through <paramref name="wrapBackend"/>.</summary>
    public static Task<ConformanceServer> StartAsync(Func<IObjectBackend, IObjectBackend> wrapBackend, params (string Name, string Value)[] environment) =>
        StartAsync(1, 0, environment, wrapBackend);

    /// <summary>Starts one server that logs to <paramref name="loggerFactory"/> (a test that asserts on the log).</summary>
    public static Task<ConformanceServer> StartAsync(Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, params (string Name, string Value)[] environment) =>
        StartAsync(1, 0, environment, loggerFactory: loggerFactory);

    /// <summary>Starts one server whose tracer provider <paramref name="configureTracing"/> extends (e.g. with an in-memory exporter).</summary>
    public static Task<ConformanceServer> StartAsync(Action<OpenTelemetry.Trace.TracerProviderBuilder> configureTracing, params (string Name, string Value)[] environment) =>
        StartAsync(1, 0, environment, configureTracing: configureTracing);

    /// <summary>Starts <paramref name="count"/> servers, the last <paramref name="gatewayOnly"/> of them without grains.</summary>
    private static async Task<ConformanceServer> StartAsync(int count, int gatewayOnly, (string Name, string Value)[] environment,
        Func<IObjectBackend, IObjectBackend>? wrapBackend = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null,
        Action<OpenTelemetry.Trace.TracerProviderBuilder>? configureTracing = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "os-conformance-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var variables = new Dictionary<string, string?>
        {
            ["OS__HTTP_ADDR"] = "127.0.0.1:0",
            ["OS__STORAGE__PATH"] = Path.Combine(directory, "data"),
        };
        foreach (var (name, value) in environment) variables["OS__" + name] = value;
        var configuration = ConfigLoader.Load(configFile: null, variables);
        variables["OS__CLUSTER__GATEWAY_ONLY"] = "true";
        var gatewayConfiguration = gatewayOnly > 0 ? ConfigLoader.Load(configFile: null, variables) : configuration;
        Task<ServerHost> Start(int i) => ServerHost.StartAsync(i < count - gatewayOnly ? configuration : gatewayConfiguration, new ServerHostSettings
        {
            DownFile = Path.Combine(directory, "objectstore.down"),
            LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
            WrapBackend = wrapBackend,
            ConfigureTracing = configureTracing,
        });
        var hosts = new List<ServerHost>();
        for (var i = 0; i < count; i++) hosts.Add(await Start(i));
        // Until every process sees every silo, two of them may place a key on different silos (a membership change).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Task.WhenAll(hosts.Select(h => h.LiveSilosAsync()))).Any(live => live != count - gatewayOnly))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the cluster never converged on one membership view");
            await Task.Delay(50);
        }
        return new ConformanceServer(hosts.ToArray(), Start, directory);
    }

    /// <summary>
    /// Three servers forming one cluster: PostgreSQL high-volume tier and membership (a fresh database), one S3 bucket
    /// (moto) as the long-term tier — the topology of the compose file.
    /// </summary>
    public static async Task<ConformanceServer> StartClusterAsync(int count = 3, int gatewayOnly = 0)
    {
        var postgres = await PostgresServer.Shared;
        var database = await postgres.CreateDatabaseAsync("conformance");
        var s3 = await MotoS3Server.Shared;
        var bucket = MotoS3Server.UniqueBucketName("conformance");
        using (var client = new AmazonS3Client(new BasicAWSCredentials(MotoS3Server.AccessKey, MotoS3Server.SecretKey),
                   new AmazonS3Config { ServiceURL = s3.Endpoint, AuthenticationRegion = MotoS3Server.Region, ForcePathStyle = true }))
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return await StartAsync(count, gatewayOnly, [
            ("STORAGE__TYPE", "tiered"),
            ("STORAGE__HIGH_VOLUME__TYPE", "postgres"),
            ("STORAGE__HIGH_VOLUME__CONNECTION_STRING", database),
            ("STORAGE__LONG_TERM__TYPE", "s3"),
            ("STORAGE__LONG_TERM__ENDPOINT", s3.Endpoint),
            ("STORAGE__LONG_TERM__BUCKET", bucket),
            ("STORAGE__LONG_TERM__REGION", MotoS3Server.Region),
            ("STORAGE__LONG_TERM__ACCESS_KEY", MotoS3Server.AccessKey),
            ("STORAGE__LONG_TERM__SECRET_KEY", MotoS3Server.SecretKey),
            ("STORAGE__LONG_TERM__PATH_STYLE", "true"),
            ("CLUSTER__MEMBERSHIP__TYPE", "postgres"),
            ("CLUSTER__MEMBERSHIP__CONNECTION_STRING", database)]);
    }

    /// <summary>The port of server <paramref name="index"/> (start order).</summary>
    public int PortOf(int index) => _hosts[index].Address.Port;

    /// <summary>The host of the <paramref name="index"/>th server.</summary>
    internal ServerHost HostOf(int index) => _hosts[index];

    /// <summary>Sends one request on a fresh connection (to the next server, or to server <paramref name="host"/>) and reads the answer.</summary>
    public async Task<RawResponse> SendAsync(string method, string target, byte[]? body = null, IEnumerable<(string Name, string Value)>? headers = null,
        bool chunked = false, int? host = null)
    {
        await using var connection = await RawHttpConnection.OpenAsync(host is { } index ? PortOf(index) : Port);
        await connection.SendAsync(Request(method, target, body, headers, chunked));
        return await connection.ReadResponseAsync(headRequest: method == "HEAD");
    }

    /// <summary>The bytes of one HTTP/1.1 request (headers as UTF-8, body framed by length or chunks).</summary>
    public byte[] Request(string method, string target, byte[]? body = null, IEnumerable<(string Name, string Value)>? headers = null, bool chunked = false)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nhost: 127.0.0.1:").Append(Port).Append("\r\n");
        foreach (var (name, value) in headers ?? []) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (body is not null) head.Append(chunked ? "transfer-encoding: chunked\r\n" : $"content-length: {body.Length}\r\n");
        head.Append("\r\n");
        using var bytes = new MemoryStream();
        bytes.Write(Encoding.UTF8.GetBytes(head.ToString()));
        if (body is null) return bytes.ToArray();
        if (!chunked)
        {
            bytes.Write(body);
            return bytes.ToArray();
        }
        // Uneven chunk sizes, like a streaming client.
        for (var offset = 0; offset < body.Length;)
        {
            var size = Math.Min(body.Length - offset, 100_000 + offset % 7_777);
            bytes.Write(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            bytes.Write(body, offset, size);
            bytes.Write("\r\n"u8);
            offset += size;
        }
        bytes.Write("0\r\n\r\n"u8);
        return bytes.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

/// <summary>One embedded-default server shared by a test class (tests use distinct keys).</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    internal ConformanceServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ConformanceServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Three servers in one cluster on PostgreSQL and S3, shared by a test class (requests go round the servers).</summary>
public sealed class ClusterServerFixture : IAsyncLifetime
{
    internal ConformanceServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ConformanceServer.StartClusterAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Wire helpers shared by the conformance tests.</summary>
internal static class Wire
{
    /// <summary>Percent-encodes a key the way the clients put it in a path: everything but unreserved characters and <c>/</c>.</summary>
    public static string EncodeKey(string key) => Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal);

    /// <summary>The header names as sent, in the response head.</summary>
    public static IEnumerable<string> HeaderNames(RawResponse response) => response.Headers.Select(h => h.Name);

    /// <summary>The body as UTF-8 text.</summary>
    public static string Text(RawResponse response) => Encoding.UTF8.GetString(response.Body);

    /// <summary>Asserts every header name of the response head is lowercase on the wire.</summary>
    public static void AssertLowercaseNames(RawResponse response)
    {
        foreach (var name in HeaderNames(response)) Assert.Equal(name.ToLowerInvariant(), name);
    }

    /// <summary>The <c>detail</c> of a §4.1 JSON error body (asserting the content type).</summary>
    public static string Detail(RawResponse response)
    {
        Assert.Equal("application/json", response.Header("content-type"));
        using var document = System.Text.Json.JsonDocument.Parse(response.Body);
        return document.RootElement.GetProperty("detail").GetString()!;
    }
}
