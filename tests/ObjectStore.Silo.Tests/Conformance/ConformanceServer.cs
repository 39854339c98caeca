using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Gateway.Tests.Http;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Hosting;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// A real server on a free loopback port with the embedded default storage in a temp directory, configured through
/// the same loader as <c>objectstore run</c> (<c>OS__…</c> variables) and started through <see cref="ServerHost"/>.
/// </summary>
internal sealed class ConformanceServer : IAsyncDisposable
{
    private readonly ServerHost _host;

    private ConformanceServer(ServerHost host, string directory)
    {
        _host = host;
        Directory = directory;
    }

    /// <summary>The temp directory holding data and the shutdown marker.</summary>
    public string Directory { get; }

    /// <summary>The listening port.</summary>
    public int Port => _host.Address.Port;

    /// <summary>The marker file <c>/ready</c> checks.</summary>
    public string DownFile => Path.Combine(Directory, "objectstore.down");

    /// <summary>Starts with the given extra <c>OS__</c> variables (names without the prefix, e.g. <c>HTTP__MAX_REQUESTS</c>).</summary>
    public static async Task<ConformanceServer> StartAsync(params (string Name, string Value)[] environment)
    {
        var directory = Path.Combine(Path.GetTempPath(), "os-conformance-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var variables = new Dictionary<string, string?>
        {
            ["OS__HTTP_ADDR"] = "127.0.0.1:0",
            ["OS__STORAGE__PATH"] = Path.Combine(directory, "data"),
        };
        foreach (var (name, value) in environment) variables["OS__" + name] = value;
        var configuration = ConfigLoader.Load(new ConfigTable(), variables);
        var host = await ServerHost.StartAsync(configuration, new ServerHostSettings
        {
            DownFile = Path.Combine(directory, "objectstore.down"),
            LoggerFactory = NullLoggerFactory.Instance,
        });
        return new ConformanceServer(host, directory);
    }

    /// <summary>Sends one request on a fresh connection and reads the answer.</summary>
    public async Task<RawResponse> SendAsync(string method, string target, byte[]? body = null, IEnumerable<(string Name, string Value)>? headers = null, bool chunked = false)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Port);
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
        await _host.DisposeAsync();
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
