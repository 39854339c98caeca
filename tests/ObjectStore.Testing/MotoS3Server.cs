namespace ObjectStore.Testing;

/// <summary>
/// The moto S3 server on a free loopback port: a real S3 HTTP endpoint for tests. One per test
/// process (<see cref="Shared"/>); tests create their own buckets. A missing moto is a failure.
/// </summary>
public sealed class MotoS3Server : IAsyncDisposable
{
    private static readonly Lazy<Task<MotoS3Server>> s_shared = new(StartSharedAsync);
    private readonly ServerProcess _process;

    private MotoS3Server(ServerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The endpoint URL to give an S3 client (path-style addressing).</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Access key moto accepts (any).</summary>
    public const string AccessKey = "testing";

    /// <summary>Secret key moto accepts (any).</summary>
    public const string SecretKey = "testing";

    /// <summary>Region used with moto.</summary>
    public const string Region = "us-east-1";

    /// <summary>The server shared by every test in this process.</summary>
    public static Task<MotoS3Server> Shared => s_shared.Value;

    /// <summary>Starts a new moto server.</summary>
    public static async Task<MotoS3Server> StartAsync()
    {
        var port = ServerProcess.FreeLoopbackPort();
        var env = new Dictionary<string, string> { ["MOTO_ALLOW_NONEXISTENT_REGION"] = "true" };
        ServerProcess process;
        var moto = ServerProcess.FindOnPath("moto_server");
        if (moto is not null)
        {
            process = ServerProcess.StartWatched(moto, ["-H", "127.0.0.1", "-p", port.ToString()], environment: env);
        }
        else
        {
            var python = ServerProcess.FindOnPath("python3") ?? throw new InvalidOperationException(
                "Neither moto_server nor python3 is on PATH: the moto S3 server is needed for the S3 tests.");
            process = ServerProcess.StartWatched(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString()], environment: env);
        }
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60), "moto_server (the S3 test endpoint; install with 'pip install moto[server]')");
        return new MotoS3Server(process, port);
    }

    private static async Task<MotoS3Server> StartSharedAsync()
    {
        var server = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    /// <summary>A bucket name unique to this process and call.</summary>
    public static string UniqueBucketName(string prefix = "test")
    {
        var name = $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}".ToLowerInvariant();
        return name.Length <= 63 ? name : name[..63];
    }

    /// <summary>Stops the server.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
