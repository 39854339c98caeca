using System.Diagnostics;
using System.Text;

namespace ObjectStore.Bench.Suite;

/// <summary>
/// A server the suite started (silo, nginx): its pid for RSS sampling, its output lines to a callback and a bounded
/// tail, and a kill of its whole tree on dispose or when the bench process exits, so nothing outlives a run.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly List<ChildProcess> s_live = [];
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Action<string>? _onLine;

    static ChildProcess()
    {
        // Ctrl-C cancels the suite, which disposes; this covers an unhandled exit too.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private ChildProcess(Process process, string name, Action<string>? onLine)
    {
        _process = process;
        Name = name;
        _onLine = onLine;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the process is, for messages.</summary>
    public string Name { get; }

    /// <summary>The operating-system process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The last lines the process printed (for failure messages).</summary>
    public string Tail
    {
        get
        {
            lock (_tail) return string.Join('\n', _tail);
        }
    }

    /// <summary>Starts <paramref name="file"/> with <paramref name="args"/> and extra environment variables.</summary>
    public static ChildProcess Start(string name, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onLine = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new ChildProcess(process, name, onLine);
        lock (s_live) s_live.Add(child);
        return child;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds, failing fast with the output tail if the process died.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!IsRunning) throw new InvalidOperationException($"{Name} exited before {what}:\n{Tail}");
            if (await ready()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:F0} s:\n{Tail}");
            await Task.Delay(50, ct);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40) _tail.Dequeue();
        }
        _onLine?.Invoke(line);
    }

    /// <summary>Stops the process: SIGTERM for a graceful stop, then a kill of the tree after a grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (s_live) s_live.Remove(this);
        try
        {
            if (!_process.HasExited)
            {
                Posix.Terminate(_process.Id);
                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try { await _process.WaitForExitAsync(graceful.Token); } catch (OperationCanceledException) { }
            }
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private static void KillAll()
    {
        ChildProcess[] live;
        lock (s_live) live = s_live.ToArray();
        foreach (var child in live)
        {
            try { child._process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
    }
}

/// <summary>The POSIX signals the suite sends beyond <see cref="Process"/>, through <c>kill(1)</c>.</summary>
internal static class Posix
{
    /// <summary>Sends SIGTERM: a graceful stop for the silo and nginx alike.</summary>
    public static void Terminate(int pid) => Signal(pid, "TERM");

    /// <summary>Sends the signal named <paramref name="signal"/> (<c>KILL</c>, <c>STOP</c>, <c>CONT</c>, …).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }
}
