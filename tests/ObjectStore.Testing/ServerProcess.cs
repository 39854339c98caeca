using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ObjectStore.Testing;

/// <summary>A child process owned by a test fixture: started, watched, and killed with its whole tree.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private string? _stopFile;

    private ServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the process printed so far (for failure messages).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The exit code once the process ended (a watched server's, passed on by its watchdog), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Sends <paramref name="signal"/> (e.g. <c>KILL</c>, <c>STOP</c>, <c>CONT</c>) to the server itself: to the watched
    /// server under its watchdog, else to the process. A fault test's tool: SIGKILL is a crash, SIGSTOP a hang.
    /// </summary>
    public async Task SignalAsync(string signal)
    {
        var (tool, args) = _stopFile is null
            ? ("kill", new[] { "-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            : ("pkill", new[] { "-" + signal, "-P", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var sender = Process.Start(tool, args) ?? throw new InvalidOperationException($"could not run {tool}");
        await sender.WaitForExitAsync();
    }

    /// <summary>Starts <paramref name="file"/> with arguments, optionally as another Unix user (when running as root).</summary>
    public static ServerProcess Start(string file, IEnumerable<string> args, string? runAsUser = null,
        IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAsUser is not null)
        {
            psi.FileName = "runuser";
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(runAsUser);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        return new ServerProcess(process);
    }

    /// <summary>
    /// Starts a long-running server under a tiny shell watchdog that stops it with
    /// <paramref name="stopSignal"/> as soon as this test process is gone — even when the test host
    /// is killed and never runs its exit handlers — so no server outlives its tests.
    /// </summary>
    public static ServerProcess StartWatched(string file, IEnumerable<string> args, string? runAsUser = null,
        IDictionary<string, string>? environment = null, string stopSignal = "TERM")
    {
        // The watchdog stops the server when this process is gone or when Dispose creates the stop file.
        // Dispose must not kill the watchdog itself: the server would outlive it as an orphan.
        const string watchdog =
            "\"$@\" & child=$!; " +
            "trap 'kill -$STOP_SIGNAL $child 2>/dev/null' TERM INT; " +
            "while [ -d /proc/$WATCH_PID ] && [ ! -e \"$STOP_FILE\" ] && kill -0 $child 2>/dev/null; do sleep 0.2; done; " +
            "kill -$STOP_SIGNAL $child 2>/dev/null; wait $child";
        var stopFile = Path.Combine(Path.GetTempPath(), $"objectstore-stop-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["WATCH_PID"] = Environment.ProcessId.ToString(),
            ["STOP_SIGNAL"] = stopSignal,
            ["STOP_FILE"] = stopFile,
        };
        // runuser resets the environment only with -l, so the variables reach the shell.
        var process = Start("/bin/sh", ["-c", watchdog, "watchdog", file, .. args], runAsUser, env);
        process._stopFile = stopFile;
        return process;
    }

    /// <summary>Runs a command to completion and throws with its output when it fails.</summary>
    public static async Task RunAsync(string file, IEnumerable<string> args, string? runAsUser = null, TimeSpan? timeout = null)
    {
        await using var p = Start(file, args, runAsUser);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await p._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"{file} did not finish in time:\n{p.Output}");
        }
        p._process.WaitForExit(); // flush the redirected streams
        if (p._process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with exit code {p._process.ExitCode}:\n{p.Output}");
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Waits until a TCP connection to the port succeeds, failing fast if the process died.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!IsRunning)
                throw new InvalidOperationException($"{what} exited during start-up:\n{Output}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"{what} did not listen on port {port} within {timeout}:\n{Output}");
            }
        }
    }

    /// <summary>Finds an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>True when this process runs as root (servers such as PostgreSQL refuse to).</summary>
    public static bool IsRoot => Environment.UserName == "root";

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 64 * 1024) _output.AppendLine(line);
        }
    }

    /// <summary>Stops the server (through its watchdog when it has one, else by killing the tree) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_stopFile is not null && !_process.HasExited)
            {
                await File.WriteAllTextAsync(_stopFile, "");
                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await _process.WaitForExitAsync(graceful.Token); } catch (OperationCanceledException) { }
            }
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException) { }
        catch (OperationCanceledException) { }
        if (_stopFile is not null) File.Delete(_stopFile);
        _process.Dispose();
    }
}
