using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace ObjectStore.Client.Tests;

/// <summary>The package README's quick start, compiled here and run against the real server.</summary>
[Collection(EndToEnd.ServerCollection.Name)]
public sealed partial class ReadmeQuickStartTests(ServerFixture server)
{
    [Fact]
    public async Task The_quick_start_runs()
    {
        var baseAddress = server.BaseAddress;
        var keyFile = Path.Combine(server.Directory, "quickstart.pem");
        await File.WriteAllTextAsync(keyFile, server.PrivateKeyPem);
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            await QuickStart(baseAddress, keyFile);
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.Equal("hello, world", output.ToString().Trim());
    }

    // The README's snippet with its two literals (server URL, key file) as parameters.
    private static async Task QuickStart(Uri baseAddress, string keyFile)
    {
        // README begin
        using var client = new ObjectStoreClient(new ObjectStoreClientOptions
        {
            BaseAddress = baseAddress,
            SigningKey = ObjectStoreSigningKey.FromPemFile(ServerFixture.KeyId, keyFile),
        });
        var session = client.Session(new Usecase("attachments"), ("org", "42"), ("project", "1337"));
        var key = await session.PutAsync("hello, world");
        await using var result = await session.GetAsync(key);
        Console.WriteLine(await new StreamReader(result!.Content).ReadToEndAsync());
        await session.DeleteAsync(key);
        // README end
    }

    [Fact]
    public void The_quick_start_above_is_the_readmes()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Client", "README.md"));
        var snippet = QuickStartBlock().Match(readme).Groups[1].Value
            .Replace("new Uri(\"http://127.0.0.1:8888\")", "baseAddress", StringComparison.Ordinal)
            .Replace("\"my-kid\", \"ed25519.private.pem\"", "ServerFixture.KeyId, keyFile", StringComparison.Ordinal);
        var source = File.ReadAllText(ThisFile());
        var start = source.IndexOf("// README begin", StringComparison.Ordinal);
        var code = source[(source.IndexOf('\n', start) + 1)..source.IndexOf("// README end", StringComparison.Ordinal)];

        Assert.Equal(Normalize(snippet), Normalize(code));
    }

    private static string Normalize(string code) =>
        string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string ThisFile([CallerFilePath] string path = "") => path;

    private static string RepositoryRoot() => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));

    [GeneratedRegex(@"## Quick start\s+```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickStartBlock();
}
