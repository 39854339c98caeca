using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Tests.Activations;

public sealed class ActivationTests
{
    [Fact]
    public async Task Concurrent_first_calls_to_a_key_share_one_activation()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var instances = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cluster.Probe("one").Instance()));
        var other = await cluster.Probe("two").Instance();

        Assert.Single(instances.Distinct());
        Assert.NotEqual(instances[0], other);
        Assert.Equal(2, cluster.Tracker.Activations);
    }

    [Fact]
    public async Task A_keys_calls_never_interleave()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.Probe("serial").Enter(i % 3)));

        Assert.Equal(40, cluster.Tracker.Calls);
        Assert.Equal(0, cluster.Tracker.Overlaps);
    }

    [Fact]
    public async Task Read_only_calls_interleave_with_each_other()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var reads = Enumerable.Range(0, 3).Select(_ => cluster.Probe("reader").Read()).ToArray();

        await Eventually.True(() => cluster.Tracker.CurrentReads == 3, "three read-only calls run at once");
        cluster.Tracker.Open();
        await Task.WhenAll(reads);
        Assert.Equal(3, cluster.Tracker.MaxReads);
    }

    [Fact]
    public async Task A_slow_call_times_out_and_cancels_the_grains_token()
    {
        await using var cluster = await TestCluster.StartAsync(1, b => b.Configure(o => o.DefaultCallTimeout = TimeSpan.FromMilliseconds(300)));

        await Assert.ThrowsAsync<GrainTimeoutException>(() => cluster.Probe("slow").Hang());
        await Eventually.True(() => cluster.Tracker.Cancelled.TryGetValue("slow", out var c) && c, "the grain saw its token cancelled");
        Assert.Equal("ok", await cluster.Probe("slow").Echo("ok"));
    }

    [Fact]
    public async Task A_caller_cancelling_gets_OperationCanceledException()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        using var cts = new CancellationTokenSource();
        var call = cluster.Probe("cancel").Hang(cts.Token);
        await Eventually.True(() => cluster.Tracker.Running.ContainsKey("cancel"), "the call is running");
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Eventually.True(() => cluster.Tracker.Cancelled.ContainsKey("cancel"), "the grain saw its token cancelled");
    }

    [Fact]
    public async Task Local_exceptions_reach_the_caller_unchanged()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        var failure = await Assert.ThrowsAsync<ProbeFailure>(() => cluster.Probe("fails").Fail("custom", "broken"));
        Assert.Equal("broken", failure.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Probe("fails").Fail("argument", "bad"));
        Assert.Equal("still alive", await cluster.Probe("fails").Echo("still alive"));
    }

    [Fact]
    public async Task A_self_call_fails_fast_with_DeadlockException()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        await Assert.ThrowsAsync<DeadlockException>(() => cluster.Probe("self").CallSelf());
    }

    [Fact]
    public async Task A_call_back_along_the_chain_fails_fast_with_DeadlockException()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        await Assert.ThrowsAsync<DeadlockException>(() => cluster.Probe("a").CallVia("b"));
        Assert.Equal("back", await cluster.Probe("a").Echo("back"));
    }

    [Fact]
    public async Task A_stateless_worker_pool_never_exceeds_its_cap()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var worker = cluster.Primary.GrainFactory.GetGrain<IWorkerGrain>("pool");
        var calls = Enumerable.Range(0, 12).Select(_ => worker.Work()).ToArray();

        await Eventually.True(() => cluster.Tracker.CurrentWorkers == 3, "three workers are busy");
        Assert.Equal(3, cluster.Primary.Runtime.Catalog.WorkerCount(new GrainId("worker", "pool")));
        cluster.Tracker.Open();
        await Task.WhenAll(calls);
        Assert.Equal(3, cluster.Tracker.MaxWorkers);
    }

    [Fact]
    public async Task Idle_stateless_workers_are_removed()
    {
        await using var cluster = await TestCluster.StartAsync(1, b => b.Configure(o =>
        {
            o.StatelessWorkerIdleAge = TimeSpan.FromMilliseconds(100);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        }));
        cluster.Tracker.Open();
        var id = new GrainId("worker", "idle");
        await cluster.Primary.GrainFactory.GetGrain<IWorkerGrain>("idle").Work();
        Assert.Equal(1, cluster.Primary.Runtime.Catalog.WorkerCount(id));

        await Eventually.True(() => cluster.Primary.Runtime.Catalog.WorkerCount(id) == 0, "the idle worker was removed");
    }

    [Fact]
    public async Task Idle_activations_are_collected_after_their_age()
    {
        await using var cluster = await TestCluster.StartAsync(1, b => b.Configure(o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(200);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        }));
        var first = await cluster.Probe("idle").Instance();

        await Eventually.True(() => cluster.Tracker.Deactivations.Contains(("idle", DeactivationReasonCode.ActivationIdle)), "the idle activation left");
        Assert.False(cluster.Primary.Runtime.Catalog.Contains(new GrainId("probe", "idle")));
        Assert.NotEqual(first, await cluster.Probe("idle").Instance());
    }

    [Fact]
    public async Task DelayDeactivation_keeps_an_idle_activation_until_it_is_cleared()
    {
        await using var cluster = await TestCluster.StartAsync(1, b => b.Configure(o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(200);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        }));
        var grain = cluster.Probe("kept");
        var first = await grain.Instance();
        await grain.KeepAlive(true);

        // Several collection ages and sweeps pass with the activation idle: it stays.
        await Task.Delay(800);
        Assert.DoesNotContain(("kept", DeactivationReasonCode.ActivationIdle), cluster.Tracker.Deactivations);

        await grain.KeepAlive(false);
        await Eventually.True(() => cluster.Tracker.Deactivations.Contains(("kept", DeactivationReasonCode.ActivationIdle)), "the released activation left");
        Assert.NotEqual(first, await grain.Instance());
    }

    [Fact]
    public async Task Over_budget_the_least_recently_used_idle_activations_leave()
    {
        await using var cluster = await TestCluster.StartAsync(1, b => b.Configure(o => o.MaxActivations = 5));
        for (var i = 0; i < 12; i++)
        {
            await cluster.Probe($"b{i}").Echo("x");
            await Task.Delay(3); // distinct last-use times, so least recently used is well defined
        }

        await Eventually.True(() => cluster.Primary.Runtime.Catalog.Count <= 5, "the silo is back within its budget");
        Assert.Contains(("b0", DeactivationReasonCode.ActivationBudget), cluster.Tracker.Deactivations);
        Assert.True(cluster.Primary.Runtime.Catalog.Contains(new GrainId("probe", "b11")), "the most recently used activation stays");
    }

    [Fact]
    public async Task DeactivateOnIdle_gives_the_next_call_a_fresh_activation()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var first = await cluster.Probe("leaver").Instance();
        await cluster.Probe("leaver").Leave();

        await Eventually.True(() => cluster.Tracker.Deactivations.Contains(("leaver", DeactivationReasonCode.ApplicationRequested)), "the activation left");
        Assert.NotEqual(first, await cluster.Probe("leaver").Instance());
    }

    [Fact]
    public async Task Calls_queued_during_a_deactivation_reach_the_next_activation()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var grain = cluster.Probe("churn");
        var calls = Enumerable.Range(0, 200).Select(i => i % 10 == 0 ? grain.Leave() : grain.Enter(0)).ToArray();

        await Task.WhenAll(calls);
        Assert.True(cluster.Tracker.Activations > 1, "the key was deactivated and activated again");
        Assert.Equal(0, cluster.Tracker.DoubleActivations);
        Assert.Equal(0, cluster.Tracker.Overlaps);
        Assert.Equal(180, cluster.Tracker.Calls);
    }

    [Fact]
    public async Task A_full_mailbox_rejects_calls_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(1, b => b.Configure(o => { }));
        // Capacity is per type; the probe type is registered by the fixture, so use a dedicated silo builder here.
        var silo = new ObjectStore.Runtime.Hosting.SiloBuilder()
            .AddGrain<IProbeGrain, ProbeGrain>(ProbeGrainInterface.Instance, () => new ProbeGrain(cluster.Tracker, "solo"), t => t.MailboxCapacity = 2)
            .Build();
        await silo.StartAsync(CancellationToken.None);
        await using var _ = silo;
        var grain = silo.GrainFactory.GetGrain<IProbeGrain>("full");
        var running = grain.Block();
        await Eventually.True(() => cluster.Tracker.Running.ContainsKey("full"), "the first call runs");
        var queued = grain.Echo("queued");

        await Assert.ThrowsAsync<MailboxFullException>(() => grain.Echo("rejected"));
        cluster.Tracker.Open();
        await running;
        Assert.Equal("queued", await queued);
    }

    [Fact]
    public async Task Timer_ticks_run_as_turns_without_overlap()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        await cluster.Probe("timer").StartTimer(10);
        var calls = Enumerable.Range(0, 20).Select(i => cluster.Probe("timer").Enter(1)).ToArray();

        await Eventually.True(() => cluster.Tracker.TimerTicks >= 5, "the timer ticked five times");
        await Task.WhenAll(calls);
        Assert.Equal(0, cluster.Tracker.TimerOverlaps);
        Assert.Equal(0, cluster.Tracker.Overlaps);
    }
}
