namespace ObjectStore.Bench.Tests.Load;

/// <summary>
/// The real server (<c>objectstore run</c>, the referenced src/Silo build) with the embedded default storage in a temp
/// directory, as a watched child process on a free loopback port; shared by a test class.
/// </summary>
public sealed class EmbeddedServer : IAsyncLifetime
{
    private ServerProcess? _process;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "os-bench-load-" + Guid.NewGuid().ToString("N"));

    /// <summary>The server's base URL.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Everything the server printed (for failure messages).</summary>
    public string Output => _process?.Output ?? "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var port = ServerProcess.FreeLoopbackPort();
        var dotnet = ServerProcess.FindOnPath("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");
        _process = ServerProcess.StartWatched(dotnet, [Path.Combine(AppContext.BaseDirectory, "objectstore.dll"), "run"], environment: new Dictionary<string, string>
        {
            ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}",
            ["OS__STORAGE__PATH"] = Path.Combine(_directory, "data"),
        });
        await _process.WaitForPortAsync(port, TimeSpan.FromSeconds(60), "objectstore");
        BaseUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(BaseUrl + "/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"objectstore never became ready:\n{Output}");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
