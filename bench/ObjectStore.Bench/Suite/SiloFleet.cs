using System.Globalization;
using System.Net.Http;
using System.Text.RegularExpressions;

namespace ObjectStore.Bench.Suite;

/// <summary>
/// Silo processes (<c>dotnet objectstore.dll run</c>) configured only through <c>OS__…</c> variables, as the conformance
/// server does: each on its own loopback port and data directory, ready (<c>/ready</c>) and, in a cluster, converged
/// on one membership view before anything is measured.
/// </summary>
internal sealed partial class SiloFleet : IAsyncDisposable
{
    private readonly List<ChildProcess> _silos = [];
    private readonly List<int> _ports = [];
    private readonly int[] _liveSilos;
    private readonly string _root;

    private SiloFleet(string root, int count)
    {
        _root = root;
        _liveSilos = new int[count];
    }

    /// <summary>The started silos (pids for RSS sampling).</summary>
    public IReadOnlyList<ChildProcess> Silos => _silos;

    /// <summary>The temp directory holding every silo's data.</summary>
    public string Root => _root;

    /// <summary>Each silo's loopback HTTP port, in start order.</summary>
    public IReadOnlyList<int> Ports => _ports;

    /// <summary>The load target URI spreading requests over every silo.</summary>
    public string TargetUri => "objectstore:" + string.Join(',', _ports.Select(p => $"http://127.0.0.1:{p}"));

    /// <summary>The data directory of silo <paramref name="index"/> (its <c>storage.path</c>).</summary>
    public string DataDirectory(int index) => Path.Combine(_root, $"silo{index}", "data");

    /// <summary>
    /// Starts <paramref name="count"/> silos of <paramref name="siloDll"/> with <paramref name="environment"/> (full
    /// <c>OS__</c> names) on top of each one's own <c>OS__HTTP_ADDR</c> and <c>OS__STORAGE__PATH</c>;
    /// <paramref name="onLine"/> sees every output line with the silo's index.
    /// </summary>
    public static async Task<SiloFleet> StartAsync(string siloDll, int count, IReadOnlyDictionary<string, string> environment,
        CancellationToken ct, Action<int, string>? onLine = null, Action<string>? prepareDataDirectory = null)
    {
        var fleet = new SiloFleet(TempRoot.Create("os-bench-silos"), count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var index = i;
                var port = ObjectStore.Testing.ServerProcess.FreeLoopbackPort();
                var data = fleet.DataDirectory(i);
                Directory.CreateDirectory(data);
                prepareDataDirectory?.Invoke(data);
                var variables = new Dictionary<string, string>(environment)
                {
                    ["OS__HTTP_ADDR"] = $"127.0.0.1:{port}",
                    ["OS__STORAGE__PATH"] = data,
                };
                fleet._ports.Add(port);
                fleet._silos.Add(ChildProcess.Start($"silo {i} (port {port})", "dotnet", [siloDll, "run"], variables, line =>
                {
                    if (MembershipLine().Match(line) is { Success: true } m)
                        Volatile.Write(ref fleet._liveSilos[index], int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                    onLine?.Invoke(index, line);
                }));
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            for (var i = 0; i < count; i++)
            {
                var url = $"http://127.0.0.1:{fleet._ports[i]}/ready";
                await fleet._silos[i].WaitUntilAsync(() => IsReadyAsync(http, url, ct), TimeSpan.FromSeconds(60), "/ready", ct);
            }
            if (count > 1)
            {
                // Until every silo sees every silo, two of them may place one key differently (a membership change).
                for (var i = 0; i < count; i++)
                {
                    var index = i;
                    await fleet._silos[i].WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref fleet._liveSilos[index]) == count),
                        TimeSpan.FromSeconds(60), $"membership view of {count} live silos", ct);
                }
            }
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, string url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Stops every silo (SIGTERM, graceful) and deletes their data.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.Select(s => s.DisposeAsync().AsTask()));
        TempRoot.TryDelete(_root);
    }

    [GeneratedRegex(@"Membership view \d+: (\d+) live silos")]
    private static partial Regex MembershipLine();
}
