using System.Diagnostics;
using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace ObjectStore.Silo.Tests.Cluster;

/// <summary>
/// Three silo processes on PostgreSQL + S3 and the sample Orleans service as a fourth process: objects cross between
/// the in-cluster API and HTTP both ways; every acknowledged write survives a crashed (SIGKILL) or hung (SIGSTOP) silo,
/// and a silo that leaves gracefully (SIGTERM) under load fails no request. The dependency outages are in <see cref="DependencyOutageTests"/>; both classes share one collection, so the
/// clusters run one at a time.
/// </summary>
[Collection(nameof(SiloProcessCluster))]
public sealed class OrleansClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_sample_service_and_HTTP_see_the_same_objects_and_acknowledged_writes_survive_a_killed_silo()
    {
        await using var cluster = await SiloProcessCluster.StartAsync(3);
        var scopes = $"org={Guid.NewGuid():N}";
        await WaitUntilEveryPairWorksAsync(cluster, scopes);

        // Put through the grains (the sample), read over HTTP from every silo.
        var file = Path.GetTempFileName();
        var viaGrains = Encoding.UTF8.GetBytes("written by an Orleans service " + Guid.NewGuid());
        await File.WriteAllBytesAsync(file, viaGrains);
        var put = await cluster.RunSampleAsync("put", "interop", scopes, "from-grains", file);
        File.Delete(file);
        Assert.True(put.ExitCode == 0, put.Stderr);
        for (var silo = 0; silo < 3; silo++)
            Assert.Equal(viaGrains, await cluster.Http.GetByteArrayAsync(cluster.Url(silo, $"/v1/objects/interop/{scopes}/from-grains")));

        // Put over HTTP, read through the grains.
        var viaHttp = Encoding.UTF8.GetBytes("written over HTTP " + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.PutAsync(cluster.Url(1, $"/v1/objects/interop/{scopes}/from-http"), new ByteArrayContent(viaHttp))).StatusCode);
        var get = await cluster.RunSampleAsync("get", "interop", scopes, "from-http");
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(viaHttp, get.Stdout);

        // A large object is refused by the grain with the HTTP path named, and reads as "use HTTP".
        var large = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(large);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.PutAsync(cluster.Url(2, $"/v1/objects/interop/{scopes}/large"), new ByteArrayContent(large))).StatusCode);
        var getLarge = await cluster.RunSampleAsync("get", "interop", scopes, "large");
        Assert.Equal(3, getLarge.ExitCode);
        Assert.Contains("GET /v1/objects/interop/", getLarge.Stderr);

        // Delete through the grains: gone over HTTP.
        var delete = await cluster.RunSampleAsync("delete", "interop", scopes, "from-http");
        Assert.True(delete.ExitCode == 0, delete.Stderr);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Http.GetAsync(cluster.Url(0, $"/v1/objects/interop/{scopes}/from-http"))).StatusCode);

        // Acknowledged writes spread over all silos (small and large), then one silo dies without leaving.
        var written = await WriteSpreadAsync(cluster, scopes, "acked", 30);
        await cluster.Silos[2].Process.SignalAsync("KILL");
        var killed = Stopwatch.StartNew();
        await WaitUntilReadableAsync(cluster, scopes, written, survivors: [0, 1]);
        output.WriteLine($"all {written.Count} acknowledged writes readable from the survivors {killed.Elapsed.TotalSeconds:F1} s after SIGKILL");
    }

    [Fact]
    public async Task A_hung_silo_is_declared_dead_and_every_acknowledged_write_answers_from_the_survivors()
    {
        await using var cluster = await SiloProcessCluster.StartAsync(3);
        var scopes = $"org={Guid.NewGuid():N}";
        await WaitUntilEveryPairWorksAsync(cluster, scopes);
        var written = await WriteSpreadAsync(cluster, scopes, "hung", 30);

        // SIGSTOP keeps the silo's sockets open: only missed probes can declare it dead.
        await cluster.Silos[2].Process.SignalAsync("STOP");
        var stopped = Stopwatch.StartNew();
        try
        {
            await WaitUntilReadableAsync(cluster, scopes, written, survivors: [0, 1]);
            output.WriteLine($"all {written.Count} acknowledged writes readable from the survivors {stopped.Elapsed.TotalSeconds:F1} s after SIGSTOP");

            // A survivor accepts new writes for keys the hung silo held, and they read back.
            foreach (var key in written.Keys.Take(10))
            {
                var body = Encoding.UTF8.GetBytes("after the hang " + key);
                Assert.Equal(HttpStatusCode.OK, (await cluster.Http.PutAsync(cluster.Url(0, $"/v1/objects/interop/{scopes}/{key}"), new ByteArrayContent(body))).StatusCode);
                Assert.Equal(body, await cluster.Http.GetByteArrayAsync(cluster.Url(1, $"/v1/objects/interop/{scopes}/{key}")));
            }
        }
        finally
        {
            await cluster.Silos[2].Process.SignalAsync("CONT");
        }

        // Resumed, the silo reads that it was declared dead and ends its process (Orleans' default fatal-error handler:
        // FailFast): it never serves half-dead, and its supervisor sees a non-zero exit and restarts it.
        var resumed = Stopwatch.StartNew();
        await Eventually.True(() => !cluster.Silos[2].Process.IsRunning, "the silo declared dead exits once resumed", 60_000);
        output.WriteLine($"the resumed silo exited with code {cluster.Silos[2].Process.ExitCode} {resumed.Elapsed.TotalSeconds:F1} s after SIGCONT");
        Assert.NotEqual(0, cluster.Silos[2].Process.ExitCode);
    }

    [Fact]
    public async Task A_silo_stopped_gracefully_under_load_fails_no_request()
    {
        await using var cluster = await SiloProcessCluster.StartAsync(3);
        var scopes = $"org={Guid.NewGuid():N}";
        await WaitUntilEveryPairWorksAsync(cluster, scopes);

        // Keys first written through silo 2 are activated there (local placement): the load on silos 0 and 1 calls
        // into the silo that leaves. A load balancer stops sending to a draining silo, so the load skips silo 2 itself.
        var keys = (await WriteSpreadAsync(cluster, scopes, "drain", 40, writers: [2])).Keys.ToArray();
        var failures = new List<string>();
        var completed = 0;
        using var stopLoad = new CancellationTokenSource();
        async Task LoadAsync(int worker)
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                var key = keys[(worker * 7 + i) % keys.Length];
                var silo = (worker + i) % 2;
                var url = cluster.Url(silo, $"/v1/objects/interop/{scopes}/{key}");
                try
                {
                    using var response = i % 2 == 0
                        ? await cluster.Http.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes($"{key} {worker} {i}")))
                        : await cluster.Http.GetAsync(url);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        var failure = $"{response.RequestMessage!.Method} {url} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                        lock (failures) failures.Add(failure);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    lock (failures) failures.Add($"{url} -> {e.GetType().Name}: {e.Message}");
                }
                Interlocked.Increment(ref completed);
            }
        }
        var load = Enumerable.Range(0, 8).Select(LoadAsync).ToArray();
        await Eventually.True(() => Volatile.Read(ref completed) > 200, "the load is running", 60_000);

        await cluster.Silos[2].Process.SignalAsync("TERM");
        await Eventually.True(() => !cluster.Silos[2].Process.IsRunning, "silo 2 exits after SIGTERM", 60_000);
        var atExit = Volatile.Read(ref completed);
        await Eventually.True(() => Volatile.Read(ref completed) > atExit + 200, "the load continues on the survivors", 60_000);
        stopLoad.Cancel();
        await Task.WhenAll(load);

        output.WriteLine($"{completed} requests, {failures.Count} failed, silo 2 stopped gracefully while they ran");
        Assert.True(failures.Count == 0, $"{failures.Count} of {completed} requests failed:\n{string.Join('\n', failures.Take(20))}\n{cluster.Output()}");
    }

    /// <summary>
    /// Writes <paramref name="count"/> objects round-robin through <paramref name="writers"/> (every silo by default),
    /// every tenth over the inline threshold; each acknowledged with 200. Returns key → bytes.
    /// </summary>
    internal static async Task<Dictionary<string, byte[]>> WriteSpreadAsync(SiloProcessCluster cluster, string scopes, string prefix, int count,
        int[]? writers = null)
    {
        writers ??= Enumerable.Range(0, cluster.Silos.Count).ToArray();
        var written = new Dictionary<string, byte[]>();
        for (var i = 0; i < count; i++)
        {
            var body = new byte[i % 10 == 9 ? 1_200_000 : 100 + i];
            Random.Shared.NextBytes(body);
            var key = $"{prefix}-{i}";
            var response = await cluster.Http.PutAsync(cluster.Url(writers[i % writers.Length], $"/v1/objects/interop/{scopes}/{key}"), new ByteArrayContent(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            written[key] = body;
        }
        return written;
    }

    /// <summary>
    /// Polls until every key of <paramref name="written"/> reads back byte-identical from one of <paramref name="survivors"/>.
    /// How long it took is a benchmark figure, not an assertion: the 60 s bound only turns a broken failover into a failure.
    /// </summary>
    internal static async Task WaitUntilReadableAsync(SiloProcessCluster cluster, string scopes, Dictionary<string, byte[]> written, int[] survivors,
        int limitSeconds = 60)
    {
        var since = Stopwatch.StartNew();
        var pending = new HashSet<string>(written.Keys);
        while (pending.Count > 0)
        {
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(limitSeconds), $"{pending.Count} acknowledged writes unreadable after {limitSeconds} s:\n{cluster.Output()}");
            foreach (var key in pending.ToArray())
            {
                foreach (var silo in survivors)
                {
                    try
                    {
                        using var response = await cluster.Http.GetAsync(cluster.Url(silo, $"/v1/objects/interop/{scopes}/{key}"));
                        if (response.StatusCode != HttpStatusCode.OK) continue;
                        Assert.Equal(written[key], await response.Content.ReadAsByteArrayAsync());
                        pending.Remove(key);
                        break;
                    }
                    catch (HttpRequestException)
                    {
                    }
                }
            }
            if (pending.Count > 0) await Task.Delay(100);
        }
    }

    /// <summary>Until membership converged, a put on one silo and a get on another may meet two activations; wait until every pair agrees.</summary>
    internal static async Task WaitUntilEveryPairWorksAsync(SiloProcessCluster cluster, string scopes)
    {
        await Eventually.True(async () =>
        {
            for (var writer = 0; writer < 3; writer++)
            {
                var key = $"probe-{writer}-{Guid.NewGuid():N}";
                try
                {
                    if ((await cluster.Http.PutAsync(cluster.Url(writer, $"/v1/objects/interop/{scopes}/{key}"), new ByteArrayContent([1]))).StatusCode != HttpStatusCode.OK)
                        return false;
                    for (var reader = 0; reader < 3; reader++)
                        if ((await cluster.Http.GetAsync(cluster.Url(reader, $"/v1/objects/interop/{scopes}/{key}"))).StatusCode != HttpStatusCode.OK)
                            return false;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }
            return true;
        }, "every silo serves every other silo's writes", 90_000);
    }
}
