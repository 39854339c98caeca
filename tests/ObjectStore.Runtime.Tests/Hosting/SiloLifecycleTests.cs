using System.Diagnostics.Metrics;
using System.Net;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Transport;

namespace ObjectStore.Runtime.Tests.Hosting;

public sealed class SiloLifecycleTests
{
    [Fact]
    public async Task A_fenced_silo_stops_serving_and_survivors_take_its_keys()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var fenced = cluster.Silos[1];
        var key = cluster.KeyOwnedBy(fenced);
        Assert.Equal(fenced.SiloId, await cluster.Probe(key).Silo());

        cluster.Group.Expel(fenced.SiloId);

        await Eventually.True(() => !fenced.IsReady, "the fenced silo is no longer ready");
        Assert.Equal(cluster.Primary.SiloId, await cluster.Probe(key).Silo());
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(fenced.Address));
    }

    [Fact]
    public async Task A_stop_that_cannot_drain_is_forced_and_fails_its_running_calls()
    {
        await using var cluster = await TestCluster.StartAsync(2, b => b.Configure(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300)));
        var stopping = cluster.Silos[1];
        var key = cluster.KeyOwnedBy(stopping);
        var local = stopping.GrainFactory.GetGrain<IProbeGrain>(key).Block();
        await Eventually.True(() => cluster.Tracker.Running.ContainsKey(key), "the call runs");

        await cluster.StopAsync(stopping);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => local.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(cluster.Primary.SiloId, await cluster.Probe(key).Silo());
    }

    [Fact]
    public async Task A_failing_activation_fails_its_calls_and_is_retried_on_the_next_call()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var local = cluster.KeyOwnedBy(cluster.Primary, "bad-");
        var remote = cluster.KeyOwnedBy(cluster.Silos[1], "bad-");

        await Assert.ThrowsAsync<ProbeFailure>(() => cluster.Probe(local).Echo("x"));
        await Assert.ThrowsAsync<ProbeFailure>(() => cluster.Probe(local).Echo("x"));
        var error = await Assert.ThrowsAsync<GrainCallException>(() => cluster.Probe(remote).Echo("x"));
        Assert.Contains("refuses to activate", error.Message);
        Assert.False(cluster.Primary.Runtime.Catalog.Contains(new GrainId("probe", local)));
    }

    [Fact]
    public async Task A_forwarded_message_for_a_key_the_receiver_does_not_own_is_refused_with_421()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var key = cluster.KeyOwnedBy(cluster.Silos[1]);
        var message = Transport.RawCall.Message("probe", key, 3, WireFormat.ForwardedFlag);

        var status = await Transport.RawCall.SendAsync(cluster.Primary.Address!, message, cluster.ClusterKey);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, status);
        Assert.Equal(0, cluster.Tracker.Activations);
    }

    [Fact]
    public async Task Calls_forwards_and_deadlines_are_measured()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string Name, string? Type, string? Method)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ObjectStore.Runtime") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => seen.Add((i.Name, Tag(tags, "grain.type"), Tag(tags, "grain.method"))));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => seen.Add((i.Name, Tag(tags, "grain.type"), Tag(tags, "grain.method"))));
        listener.Start();
        await using var cluster = await TestCluster.StartAsync(2, b => b.Configure(o => o.DefaultCallTimeout = TimeSpan.FromMilliseconds(300)));
        var remote = cluster.KeyOwnedBy(cluster.Silos[1]);
        using var client = cluster.CreateClient(cluster.Primary.Address!);

        await client.GetGrain<IProbeGrain>(remote).Echo("via primary");
        await Assert.ThrowsAsync<GrainTimeoutException>(() => cluster.Probe("slow-metric").Hang());

        Assert.Contains(("objectstore.runtime.calls", "probe", "EchoRequest"), seen);
        Assert.Contains(("objectstore.runtime.call.duration", "probe", "EchoRequest"), seen);
        Assert.Contains(("objectstore.runtime.activations", "probe", null), seen);
        Assert.Contains(seen, m => m.Name == "objectstore.runtime.forwards");
        Assert.Contains(seen, m => m.Name == "objectstore.runtime.deadline.expired");
        Assert.Contains(seen, m => m.Name == "objectstore.runtime.membership.changes");
        Assert.Contains(seen, m => m.Name == "objectstore.runtime.mailbox.length");
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
            if (tag.Key == name) return tag.Value as string;
        return null;
    }
}
