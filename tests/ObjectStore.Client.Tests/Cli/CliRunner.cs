using System.Diagnostics;

namespace ObjectStore.Client.Tests.Cli;

/// <summary>Runs the real <c>objectstore</c> executable (built next to the tests) as a child process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "objectstore.dll");

    private static string Dotnet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? stdin = null, string? stdinFile = null)
    {
        var psi = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment.Remove("OBJECTSTORE_URL");
        psi.Environment.Remove("OBJECTSTORE_TOKEN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            await using var file = File.OpenRead(stdinFile);
            await file.CopyToAsync(process.StandardInput.BaseStream);
        }
        else if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("objectstore did not exit within 2 minutes: " + await stderr);
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs under <c>script</c>, which gives the command a pseudo-terminal; returns everything the terminal showed.</summary>
    public static async Task<Result> RunInTerminalAsync(IEnumerable<string> args)
    {
        var command = string.Join(' ', new[] { Dotnet, Dll }.Concat(args).Select(Quote));
        var psi = new ProcessStartInfo("script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-qefc", command, "/dev/null" }) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
