using System.Net;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Transport;
using Xunit.Abstractions;

namespace ObjectStore.Runtime.Tests.Transport;

public sealed class ClusterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Calls_from_any_silo_reach_the_owners_single_activation(bool postgres)
    {
        await using var cluster = postgres ? await TestCluster.StartPostgresAsync(3) : await TestCluster.StartAsync(3);
        await Eventually.True(() => cluster.Silos.All(s => s.Runtime.Router.Placement.SiloCount == 3), "every silo sees all three");
        for (var i = 0; i < 30; i++)
        {
            var key = $"key{i}";
            var instances = await Task.WhenAll(Enumerable.Range(0, 3).Select(s => cluster.Probe(key, s).Instance()));
            Assert.Single(instances.Distinct());
            Assert.Equal(cluster.OwnerOf(key).SiloId, await cluster.Probe(key, 1).Silo());
            Assert.Equal(1, cluster.Silos.Count(s => s.Runtime.Catalog.Contains(new GrainId("probe", key))));
        }
        Assert.Equal(30, cluster.Tracker.Activations);
    }

    [Fact]
    public async Task Remote_calls_never_interleave_on_a_key()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var key = cluster.KeyOwnedBy(cluster.Silos[1]);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.Probe(key, i % 2).Enter(i % 3)));

        Assert.Equal(40, cluster.Tracker.Calls);
        Assert.Equal(0, cluster.Tracker.Overlaps);
    }

    [Fact]
    public async Task Remote_exceptions_carry_type_and_message()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var key = cluster.KeyOwnedBy(cluster.Silos[1]);

        var custom = await Assert.ThrowsAsync<GrainCallException>(() => cluster.Probe(key).Fail("custom", "broken"));
        Assert.Equal(typeof(ProbeFailure).FullName, custom.OriginalTypeName);
        Assert.Equal("broken", custom.OriginalMessage);
        var argument = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Probe(key).Fail("argument", "bad input"));
        Assert.Equal("bad input", argument.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Probe(key).Fail("invalid", "no"));
    }

    [Fact]
    public async Task A_remote_slow_call_times_out_and_cancels_the_remote_grain()
    {
        await using var cluster = await TestCluster.StartAsync(2, b => b.Configure(o => o.DefaultCallTimeout = TimeSpan.FromMilliseconds(400)));
        var key = cluster.KeyOwnedBy(cluster.Silos[1]);

        await Assert.ThrowsAsync<GrainTimeoutException>(() => cluster.Probe(key).Hang());
        await Eventually.True(() => cluster.Tracker.Cancelled.TryGetValue(key, out var c) && c, "the remote grain saw its token cancelled");
    }

    [Fact]
    public async Task A_deadline_travels_with_nested_calls_across_silos()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var outer = cluster.KeyOwnedBy(cluster.Silos[0], "outer");
        var inner = cluster.KeyOwnedBy(cluster.Silos[1], "inner");

        await Assert.ThrowsAsync<GrainTimeoutException>(() => cluster.Probe(outer).HangVia(inner));
        await Eventually.True(() => cluster.Tracker.Cancelled.TryGetValue(inner, out var c) && c, "the inner grain's token was cancelled at the outer deadline", 8000);
    }

    [Fact]
    public async Task A_remote_caller_cancelling_cancels_the_remote_grain()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var key = cluster.KeyOwnedBy(cluster.Silos[1]);
        using var cts = new CancellationTokenSource();
        var call = cluster.Probe(key).Hang(cts.Token);
        await Eventually.True(() => cluster.Tracker.Running.ContainsKey(key), "the call runs remotely");
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Eventually.True(() => cluster.Tracker.Cancelled.TryGetValue(key, out var c) && c, "the remote grain saw its token cancelled");
    }

    [Fact]
    public async Task A_call_back_along_a_chain_across_silos_fails_fast()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var a = cluster.KeyOwnedBy(cluster.Silos[0], "a");
        var b = cluster.KeyOwnedBy(cluster.Silos[1], "b");

        await Assert.ThrowsAsync<DeadlockException>(() => cluster.Probe(a, 1).CallVia(b));
        await Assert.ThrowsAsync<DeadlockException>(() => cluster.Probe(b).CallSelf());
    }

    [Fact]
    public async Task Calls_without_the_cluster_key_are_refused_and_never_dispatched()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var message = RawCall.Message("probe", "secret", 3);

        var without = await RawCall.SendAsync(cluster.Primary.Address!, message, null);
        var withWrongKey = await RawCall.SendAsync(cluster.Primary.Address!, message, "not-the-key");

        Assert.Equal(HttpStatusCode.Unauthorized, without);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey);
        Assert.Equal(0, cluster.Tracker.Activations);
        using var client = new ObjectStore.Runtime.Hosting.ClusterClient(new ObjectStore.Runtime.Hosting.ClusterClientOptions { ClusterKey = "wrong", SiloEndpoints = [cluster.Primary.Address!] }, ProbeGrainInterface.Instance);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => client.GetGrain<IProbeGrain>("secret").Echo("x"));
        Assert.Equal(0, cluster.Tracker.Activations);
    }

    [Fact]
    public async Task A_client_can_call_through_any_silo()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        foreach (var silo in cluster.Silos)
        {
            using var client = cluster.CreateClient(silo.Address!);
            for (var i = 0; i < 10; i++)
            {
                var key = $"via{i}";
                Assert.Equal(cluster.OwnerOf(key).SiloId, await client.GetGrain<IProbeGrain>(key).Silo());
            }
        }
        using var direct = cluster.CreateClient();
        Assert.Equal(cluster.OwnerOf("direct").SiloId, await direct.GetGrain<IProbeGrain>("direct").Silo());
        Assert.Equal(11, cluster.Tracker.Activations);
    }

    [Fact]
    public async Task Stateless_workers_run_on_the_calling_silo()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        cluster.Tracker.Open();
        await cluster.Silos[1].GrainFactory.GetGrain<IWorkerGrain>("w").Work();

        Assert.Equal(1, cluster.Silos[1].Runtime.Catalog.WorkerCount(new GrainId("worker", "w")));
        Assert.Equal(0, cluster.Silos[0].Runtime.Catalog.WorkerCount(new GrainId("worker", "w")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_killed_silos_keys_are_served_by_survivors_and_its_calls_in_flight_fail_clearly(bool postgres)
    {
        await using var cluster = postgres ? await TestCluster.StartPostgresAsync(3) : await TestCluster.StartAsync(3);
        var victim = cluster.Silos[2];
        var keys = Enumerable.Range(0, 3).Select(i => cluster.KeyOwnedBy(victim, $"v{i}-")).ToArray();
        var inFlight = keys.Select(k => cluster.Probe(k).Block()).ToArray();
        await Eventually.True(() => keys.All(cluster.Tracker.Running.ContainsKey), "the calls run on the victim");

        await cluster.KillAsync(victim);

        var killed = System.Diagnostics.Stopwatch.StartNew();
        foreach (var call in inFlight)
            await Assert.ThrowsAsync<SiloUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(20)));
        foreach (var key in keys)
        {
            // Until the victim's lease lapses (PostgreSQL mode) calls to its keys fail fast with SiloUnavailableException.
            var silo = await ServedAsync(() => cluster.Probe(key, 1).Silo());
            Assert.NotEqual(victim.SiloId, silo);
            Assert.Contains(cluster.Silos, s => s.SiloId == silo);
        }
        output.WriteLine($"Keys of the killed silo served by survivors after {killed.ElapsedMilliseconds} ms (postgres: {postgres}).");
    }

    private static async Task<T> ServedAsync<T>(Func<Task<T>> call)
    {
        var until = Environment.TickCount64 + 20_000;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (SiloUnavailableException) when (Environment.TickCount64 < until)
            {
                await Task.Delay(50);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Graceful_shutdown_hands_keys_over_without_failed_calls(bool postgres)
    {
        await using var cluster = postgres ? await TestCluster.StartPostgresAsync(3) : await TestCluster.StartAsync(3);
        using var client = cluster.CreateClient();
        var leaving = cluster.Silos[1];
        var keys = Enumerable.Range(0, 60).Select(i => $"g{i}").ToArray();
        foreach (var key in keys) await client.GetGrain<IProbeGrain>(key).Enter(0);
        var moving = keys.Where(k => cluster.OwnerOf(k) == leaving).ToArray();
        Assert.NotEmpty(moving);

        var failures = 0;
        var completed = 0;
        Exception? firstFailure = null;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = w; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await client.GetGrain<IProbeGrain>(keys[i % keys.Length]).Enter(1);
                    Interlocked.Increment(ref completed);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref firstFailure, e, null);
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        await Eventually.True(() => Volatile.Read(ref completed) > 50, "calls flow");
        await cluster.StopAsync(leaving);
        var after = Volatile.Read(ref completed);
        await Eventually.True(() => Volatile.Read(ref completed) > after + 50, "calls keep flowing after the stop");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(failures == 0, $"{failures} calls failed, first: {firstFailure}");
        Assert.Equal(0, cluster.Tracker.Overlaps);
        foreach (var key in moving)
            Assert.Contains(("" + key, DeactivationReasonCode.ShuttingDown), cluster.Tracker.Deactivations);
        foreach (var key in moving)
            Assert.NotEqual(leaving.SiloId, await client.GetGrain<IProbeGrain>(key).Silo());
    }
}
