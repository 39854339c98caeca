using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using ObjectStore.Testing;

namespace ObjectStore.Bench.Suite.Failover;

/// <summary>
/// Failover seconds of the 3-silo PG+S3 cluster with its default membership settings: per fault, a fresh cluster takes
/// acknowledged writes through every silo (small inline and large S3 objects; a key's grain activates where it was
/// first written), one silo gets SIGKILL or SIGSTOP, and the clock runs until every write reads back byte-identical
/// from the two survivors. The cluster tests assert the bounds (5 s and 10 s); this measures them.
/// </summary>
internal static class FailoverBenchmark
{
    private const int Objects = 30;
    private const int LargeEvery = 5;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>The faults measured, in order.</summary>
    public static IReadOnlyList<string> Faults { get; } = ["KILL", "STOP"];

    /// <summary>Repetitions per fault.</summary>
    public static int Repetitions(bool quick) => quick ? 1 : 3;

    /// <summary>Runs every fault <see cref="Repetitions"/> times, each on a fresh cluster.</summary>
    public static async Task<FailoverResults> RunAsync(SuiteOptions options, MachineInfo machine, TextWriter log, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var load = MachineInfo.LoadAverage();
        var runs = new List<FailoverRun>();
        foreach (var fault in Faults)
            for (var run = 1; run <= Repetitions(options.Quick); run++)
                runs.Add(await RunOnceAsync(options, fault, run, log, ct));
        return new FailoverResults { Machine = machine, Started = started, LoadAverage = load, Quick = options.Quick, Runs = runs };
    }

    private static async Task<FailoverRun> RunOnceAsync(SuiteOptions options, string fault, int run, TextWriter log, CancellationToken ct)
    {
        log.WriteLine($"[failover] SIG{fault} #{run}: fresh 3-silo PG+S3 cluster");
        var row = new FailoverRun { Fault = fault, Run = run, Objects = Objects };
        await using var fleet = await SiloFleet.StartAsync(options.SiloDll, 3, await SuiteSystems.ClusterEnvironmentAsync(ct), ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var reads = new HttpClient { Timeout = Bound };
        string Url(int silo, string key) => $"http://127.0.0.1:{fleet.Ports[silo]}/v1/objects/failover/org=1/{key}";
        var victim = fleet.Silos[2];
        try
        {
            var written = await WriteAsync(http, Url, ct);
            Posix.Signal(victim.Pid, fault);
            var clock = Stopwatch.StartNew();
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(Bound);
            // One reader per key, each read waiting as long as the survivor takes to answer: a read of a grain on the
            // failed silo completes the moment the cluster has moved it, so the slowest key is the failover time.
            var failedReads = 0;
            var readers = written.Select(async (entry, index) =>
            {
                for (var attempt = 0; ; attempt++)
                {
                    if (await ReadsBackAsync(reads, Url((index + attempt) % 2, entry.Key), entry.Value, bound.Token)) return clock.Elapsed.TotalSeconds;
                    Interlocked.Increment(ref failedReads);
                    await Task.Delay(20, bound.Token);
                }
            }).ToArray();
            double seconds;
            try
            {
                seconds = (await Task.WhenAll(readers)).Max();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var pending = readers.Count(r => !r.IsCompletedSuccessfully);
                return row with { FailedReads = failedReads, Error = $"{pending} of {Objects} writes not readable {Bound.TotalSeconds:0} s after SIG{fault}" };
            }
            log.WriteLine($"[failover] SIG{fault} #{run}: all {Objects} writes readable from the survivors after {seconds:F1} s ({failedReads} failed reads)");
            return row with { SecondsUntilReadable = seconds, FailedReads = failedReads };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.WriteLine($"[failover] SIG{fault} #{run} could not run: {e.Message}");
            return row with { Error = e.GetType().Name + ": " + e.Message };
        }
        finally
        {
            // A stopped silo must run again to take its SIGTERM; it finds itself declared dead and exits.
            if (fault == "STOP" && victim.IsRunning) Posix.Signal(victim.Pid, "CONT");
        }
    }

    /// <summary>Writes every object through silo (index mod 3), so each silo hosts a third of the grains; returns key → SHA-256.</summary>
    private static async Task<Dictionary<string, byte[]>> WriteAsync(HttpClient http, Func<int, string, string> url, CancellationToken ct)
    {
        var written = new Dictionary<string, byte[]>();
        for (var i = 0; i < Objects; i++)
        {
            var key = $"k{i}-{Guid.NewGuid():N}";
            var body = new byte[i % LargeEvery == 0 ? 2 * 1024 * 1024 : 4096];
            Random.Shared.NextBytes(body);
            using var response = await http.PutAsync(url(i % 3, key), new ByteArrayContent(body), ct);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"PUT {key} before the fault answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            written[key] = SHA256.HashData(body);
        }
        return written;
    }

    private static async Task<bool> ReadsBackAsync(HttpClient http, string url, byte[] hash, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            return response.StatusCode == HttpStatusCode.OK && SHA256.HashData(await response.Content.ReadAsByteArrayAsync(ct)).AsSpan().SequenceEqual(hash);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
