using System.Net;
using System.Net.Sockets;
using ObjectStore.Client.Tests.EndToEnd;

namespace ObjectStore.Client.Tests.Cli;

/// <summary><c>objectstore put/get/head/rm</c> through the real executable against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliTests(ServerFixture server)
{
    private const long MiB = 1024 * 1024;

    private string KeyFile
    {
        get
        {
            var path = Path.Combine(server.Directory, "cli.pem");
            if (!File.Exists(path)) File.WriteAllText(path, server.PrivateKeyPem);
            return path;
        }
    }

    private string[] Common(params string[] more) =>
        ["--url", server.BaseAddress.ToString(), "-u", "cli", "-s", "org=42", "-s", "project=1337", "--key-file", KeyFile, "--kid", ServerFixture.KeyId, .. more];

    [Fact]
    public async Task Put_get_head_rm_round_trip_a_file_byte_for_byte()
    {
        var source = await WriteFileAsync(3 * MiB + 17);
        var target = source + ".out";

        var put = await CliRunner.RunAsync(["put", .. Common(), source]);
        Assert.True(put.ExitCode == 0, put.Stderr);
        var key = put.Stdout.Trim();
        Assert.True(Guid.TryParse(key, out _), put.Stdout);
        Assert.Equal("", put.Stderr);

        var get = await CliRunner.RunAsync(["get", .. Common("-o", target), key]);
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(target));

        var head = await CliRunner.RunAsync(["head", .. Common(), key]);
        Assert.Equal(0, head.ExitCode);
        var lines = head.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("content-type: application/octet-stream", lines);
        Assert.Contains("compression: zstd", lines);
        Assert.Contains($"filename: {Path.GetFileName(source)}", lines);
        Assert.Contains(lines, l => l.StartsWith("time-created: ", StringComparison.Ordinal));

        Assert.Equal(0, (await CliRunner.RunAsync(["rm", .. Common(), key])).ExitCode);
        Assert.Equal(1, (await CliRunner.RunAsync(["get", .. Common("-o", target + "2"), key])).ExitCode);
        Assert.Equal(1, (await CliRunner.RunAsync(["head", .. Common(), key])).ExitCode);
        Assert.False(File.Exists(target + "2"));
    }

    [Fact]
    public async Task A_large_file_goes_up_as_multipart_and_comes_back_identical()
    {
        var source = await WriteFileAsync(70 * MiB);

        var put = await CliRunner.RunAsync(["put", .. Common("--key", "cli/large.bin"), source]);
        Assert.True(put.ExitCode == 0, put.Stderr);
        var get = await CliRunner.RunAsync(["get", .. Common("-o", source + ".out"), "cli/large.bin"]);

        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(await HashAsync(source), await HashAsync(source + ".out"));
    }

    [Fact]
    public async Task Put_from_stdin_and_get_to_stdout_with_url_and_token_from_the_environment()
    {
        var token = new ObjectStoreClient(server.Options()).Session(new Usecase("cli"), ("org", "42")).MintToken(expiry: TimeSpan.FromMinutes(5));
        var environment = new Dictionary<string, string> { ["OBJECTSTORE_URL"] = server.BaseAddress.ToString(), ["OBJECTSTORE_TOKEN"] = token };

        var put = await CliRunner.RunAsync(["put", "-u", "cli", "-s", "org=42", "-k", "from-stdin", "-"], environment, stdin: "hello from stdin");
        Assert.True(put.ExitCode == 0, put.Stderr);
        var get = await CliRunner.RunAsync(["get", "-u", "cli", "-s", "org=42", "from-stdin"], environment);

        Assert.Equal(0, get.ExitCode);
        Assert.Equal("hello from stdin", get.Stdout);
    }

    [Fact]
    public async Task Exit_codes_say_usage_auth_and_server_errors_apart()
    {
        var missingUsecase = await CliRunner.RunAsync(["head", "--url", server.BaseAddress.ToString(), "k"]);
        Assert.Equal(2, missingUsecase.ExitCode);
        Assert.Contains("--usecase", missingUsecase.Stderr);

        Assert.Equal(2, (await CliRunner.RunAsync(["rm", "-u", "cli", "k"])).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(["put", .. Common(), "/no/such/file"])).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(["head", .. Common("-s", "bad scope"), "k"])).ExitCode);

        var noToken = await CliRunner.RunAsync(["head", "--url", server.BaseAddress.ToString(), "-u", "cli", "k"]);
        Assert.Equal(3, noToken.ExitCode);
        Assert.Equal(3, (await CliRunner.RunAsync(["head", "--url", server.BaseAddress.ToString(), "-u", "cli", "--token", "garbage", "k"])).ExitCode);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Assert.Equal(4, (await CliRunner.RunAsync(["head", "--url", $"http://127.0.0.1:{closedPort}", "-u", "cli", "--token", "t", "k"])).ExitCode);

        var help = await CliRunner.RunAsync(["get", "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--output", help.Stdout);
    }

    [Fact]
    public async Task The_progress_bar_shows_on_a_terminal_and_not_with_quiet_or_when_piped()
    {
        var source = await WriteFileAsync(24 * MiB);

        var terminal = await CliRunner.RunInTerminalAsync(["put", .. Common("-k", "cli/progress"), source]);
        Assert.True(terminal.ExitCode == 0, terminal.Stdout + terminal.Stderr);
        Assert.Contains("100% 24.0 MiB / 24.0 MiB", terminal.Stdout);
        Assert.Contains("[##############################]", terminal.Stdout);
        Assert.Contains("/s", terminal.Stdout);

        var quiet = await CliRunner.RunInTerminalAsync(["get", .. Common("-q", "-o", source + ".out"), "cli/progress"]);
        Assert.Equal(0, quiet.ExitCode);
        Assert.DoesNotContain("MiB", quiet.Stdout);

        var piped = await CliRunner.RunAsync(["get", .. Common("-o", source + ".out2"), "cli/progress"]);
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal("", piped.Stderr);
    }

    private async Task<string> WriteFileAsync(long size)
    {
        var path = Path.Combine(server.Directory, "cli-" + Guid.NewGuid().ToString("N"));
        await using var file = File.Create(path);
        await using var source = new GeneratedPayload(size, seed: (ulong)(size % 1000));
        await source.CopyToAsync(file);
        return path;
    }

    private static async Task<string> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexString((await GeneratedPayload.HashAsync(file)).Hash);
    }
}
