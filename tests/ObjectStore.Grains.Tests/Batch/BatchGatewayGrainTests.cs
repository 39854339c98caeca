using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Microsoft.Extensions.Options;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;
using static ObjectStore.Grains.Tests.Batch.BatchTestKit;

namespace ObjectStore.Grains.Tests.Batch;

/// <summary>Batches through the BatchGatewayGrain pool of a silo, against real ObjectGrains over in-memory stores.</summary>
public sealed class BatchGatewayGrainTests : IAsyncLifetime
{
    // The cluster's 1 KiB inline threshold: a batch insert of a few KiB takes the large-write path and its get
    // answers with an LT revision.
    private const int InlineThreshold = GrainsCluster.InlineThreshold;
    private const int Permits = 100;

    private readonly ConcurrentDictionary<string, ServiceConcurrencyLimiter> _limiters = new();
    private GrainsCluster? _cluster;

    /// <summary>Replaces the ObjectGrain runner of every silo started afterwards.</summary>
    private Func<IServiceProvider, IBatchOperationRunner>? _runner;

    /// <summary>The pausing runner of the test, released at teardown.</summary>
    private PausingRunner? _paused;

    private GrainsCluster Cluster => _cluster ?? throw new InvalidOperationException("no cluster started");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A failed assertion must not leave operations paused: the silo would wait for them on shutdown.
        _paused?.ReleaseAll();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    /// <summary>
    /// Starts the cluster: each silo's batch executor takes its windows from a limiter of its own with
    /// <paramref name="permits"/> permits (registered after the grains' default, so it replaces it).
    /// </summary>
    private async Task<TestSilo> StartAsync(int silos = 2, int permits = Permits)
    {
        var runner = _runner;
        _cluster = await GrainsCluster.StartAsync(silos, silo: builder =>
        {
            builder.Services.AddSingleton(sp => new BatchExecutor(_limiters.GetOrAdd(SiloName(sp), _ => Limiter(permits)), new BatchExecutorOptions()));
            if (runner is not null) builder.Services.AddSingleton(runner);
        });
        return Cluster.Silos[0];
    }

    private static string SiloName(IServiceProvider services) => services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName;

    /// <summary>The limiter the silo's batch executor reserves from.</summary>
    private ServiceConcurrencyLimiter LimiterOf(TestSilo silo)
    {
        silo.Services.GetRequiredService<BatchExecutor>();
        return _limiters[silo.Name];
    }

    /// <summary>Runs a batch as the HTTP layer of <paramref name="silo"/> does.</summary>
    private static IAsyncEnumerable<BatchResult> Run(TestSilo silo, IAsyncEnumerable<BatchItem> input) =>
        BatchGateway.RunAsync(silo.GrainFactory, silo.Services.GetRequiredService<BatchSessions>(), input);

    private static BatchOperation Insert(int index, string? key, byte[] payload) =>
        BatchOperation.Insert(index, "batch-tests", Scopes.Empty, key, new ObjectMetadata { ContentType = "text/plain" }, payload);

    [Fact]
    public async Task A_batch_inserts_reads_and_deletes_through_the_object_grains_of_several_silos()
    {
        var silo = await StartAsync();
        // Both live on the other silo: the batch's operations on them cross silos.
        var other = Cluster.Silos[1];
        await other.GrainFactory.GetObjectGrain(Id("present")).PutInline(Gateway.Metadata(), new byte[] { 1, 2, 3 });
        await other.GrainFactory.GetObjectGrain(Id("doomed")).PutInline(Gateway.Metadata(), new byte[] { 9 });
        var big = Enumerable.Range(0, 4 * InlineThreshold).Select(i => (byte)i).ToArray();

        var first = (await ReadAllAsync(Run(silo, new TrackedInput(
        [
            Get(0, "present"),
            Get(1, "missing"),
            BatchOperation.Head(2, Id("present")),
            Insert(3, "small", [5, 6]),
            Insert(4, "big", big),
            Insert(5, null, [7]),
            BatchOperation.Delete(6, Id("doomed")),
            BatchItem.Failed(7, 413, "payload too large"),
        ])))).ToDictionary(r => r.Index);

        Assert.Equal(Enumerable.Range(0, 8), first.Keys.Order());
        Assert.Equal((200, "present"), (first[0].Status, first[0].Key));
        Assert.Equal([1, 2, 3], first[0].Payload.ToArray());
        Assert.Equal((404, BatchOperationKind.Get, "missing"), (first[1].Status, first[1].Kind, first[1].Key));
        Assert.Equal((204, BatchOperationKind.Head, "present"), (first[2].Status, first[2].Kind, first[2].Key));
        Assert.Equal(3, first[2].Metadata!.Size);
        Assert.Equal((201, "small"), (first[3].Status, first[3].Key));
        Assert.Equal((201, "big"), (first[4].Status, first[4].Key));
        Assert.Equal(201, first[5].Status);
        Assert.True(Guid.TryParse(first[5].Key, out _));
        Assert.Equal((204, BatchOperationKind.Delete, "doomed"), (first[6].Status, first[6].Kind, first[6].Key));
        Assert.Equal((413, "payload too large"), (first[7].Status, first[7].ErrorMessage));
        Assert.Equal(Permits, LimiterOf(silo).Available);

        var second = (await ReadAllAsync(Run(silo, new TrackedInput(
        [
            Get(0, "small"),
            Get(1, "big"),
            Get(2, "doomed"),
            Get(3, first[5].Key!),
        ])))).ToDictionary(r => r.Index);

        Assert.Equal((200, "text/plain"), (second[0].Status, second[0].Metadata!.ContentType));
        Assert.Equal([5, 6], second[0].Payload.ToArray());
        Assert.Equal(200, second[1].Status);
        Assert.NotNull(second[1].Revision);
        await using (var blob = (await Cluster.LongTerm.GetAsync(second[1].Revision!, null, CancellationToken.None))!)
        {
            using var copy = new MemoryStream();
            await blob.Content.CopyToAsync(copy);
            Assert.Equal(big, copy.ToArray());
        }
        Assert.Equal(404, second[2].Status);
        Assert.Equal([7], second[3].Payload.ToArray());
    }

    [Fact]
    public async Task A_large_insert_whose_blob_write_fails_fails_alone_and_leaves_nothing_behind()
    {
        _runner = sp =>
        {
            var grains = sp.GetRequiredService<IGrainFactory>();
            var lt = new FailPutForKeys(sp.GetRequiredService<ObjectStoreGrainServices>().LongTerm, "doomed");
            return new ObjectGrainBatchRunner(grains, new ObjectWriter(grains, lt, InlineThreshold));
        };
        var silo = await StartAsync();
        var big = new byte[2 * InlineThreshold];

        var results = (await ReadAllAsync(Run(silo, new TrackedInput(
        [
            Insert(0, "doomed-big", big),
            Insert(1, "fine-big", big),
            Insert(2, "fine-small", [1]),
        ])))).ToDictionary(r => r.Index);

        Assert.Equal(500, results[0].Status);
        Assert.Contains("injected LT write failure", results[0].ErrorMessage);
        Assert.Equal((201, 201), (results[1].Status, results[2].Status));
        var reads = (await ReadAllAsync(Run(silo, new TrackedInput([Get(0, "doomed-big"), Get(1, "fine-big")]))))
            .ToDictionary(r => r.Index);
        Assert.Equal((404, 200), (reads[0].Status, reads[1].Status));
        Assert.Equal(Permits, LimiterOf(silo).Available);
    }

    [Fact]
    public async Task A_silo_without_free_permits_fails_the_batch_with_AtCapacity_before_reading_it()
    {
        var silo = await StartAsync(silos: 1, permits: 0);
        var input = new TrackedInput(Gets(2));

        await Assert.ThrowsAsync<AtCapacityException>(() => ReadAllAsync(Run(silo, input)));

        Assert.False(input.Touched);
    }

    [Fact]
    public async Task A_caller_that_stops_reading_leaves_the_started_operations_running_until_they_finish()
    {
        var runner = PausingRunner.PausingAll(30);
        (_runner, _paused) = (_ => runner, runner);
        var silo = await StartAsync(silos: 1);
        var limiter = LimiterOf(silo);
        var input = new TrackedInput(Gets(30));

        var results = Run(silo, input).GetAsyncEnumerator();
        var next = results.MoveNextAsync();
        await WaitUntil(() => runner.Running == 10, "the window running");
        runner.Release(4);
        Assert.True(await next);
        Assert.Equal(4, results.Current.Index);
        await WaitUntil(() => runner.Running == 10, "the freed slot refilled");
        await results.DisposeAsync();
        await Task.Delay(300);

        // The window's operations keep running and keep their permits; no slot frees, so nothing more is pulled.
        Assert.Equal(Permits - 10, limiter.Available);
        Assert.Equal((10, 11), (runner.Running, input.Pulled));
        Assert.Equal(0, silo.Services.GetRequiredService<BatchSessions>().Count);
        runner.ReleaseAll();
        await WaitUntil(() => limiter.Available == Permits, "all permits back");
        await WaitUntil(() => input.Stopped, "the batch stopped pulling its input");
        // Every operation pulled ran to completion before the permits came back, and none started after the caller left.
        Assert.Equal(input.Pulled, runner.Finished);
        Assert.Equal(11, input.Pulled);
    }

    // Orleans delivers no call cancellation to a [StatelessWorker] activation, so this holds only because the caller's
    // stop travels in its BatchSession (without that, the batch noticed only when its next result's write failed).
    [Fact]
    public async Task A_caller_that_stops_reading_stops_the_batch_pulling_input_at_once()
    {
        var runner = PausingRunner.PausingAll(30);
        (_runner, _paused) = (_ => runner, runner);
        var silo = await StartAsync(silos: 1);
        var input = new TrackedInput(Gets(30));

        var results = Run(silo, input).GetAsyncEnumerator();
        var next = results.MoveNextAsync();
        await WaitUntil(() => runner.Running == 10, "the window running");
        runner.Release(4);
        Assert.True(await next);
        await WaitUntil(() => runner.Running == 10, "the freed slot refilled");
        await results.DisposeAsync();

        // As BatchGateway.RunAsync documents: stopping early stops the batch pulling input, operations still running.
        await WaitUntil(() => input.Stopped, "the batch stopped pulling its input");
        Assert.Equal(10, runner.Running);
        runner.ReleaseAll();
        await WaitUntil(() => LimiterOf(silo).Available == Permits, "all permits back");
        Assert.Equal((11, 11), (input.Pulled, runner.Finished));
    }

    [Fact]
    public async Task More_batches_than_pool_workers_run_at_once()
    {
        var runner = PausingRunner.PausingAll(1);
        (_runner, _paused) = (_ => runner, runner);
        var silo = await StartAsync(silos: 1);
        var batches = Environment.ProcessorCount + 2;

        var running = Enumerable.Range(0, batches)
            .Select(_ => ReadAllAsync(Run(silo, new TrackedInput(Gets(1)))))
            .ToArray();
        await WaitUntil(() => runner.Running == batches, "every batch's operation running");

        runner.ReleaseAll();
        foreach (var results in await Task.WhenAll(running)) Assert.Equal(200, Assert.Single(results).Status);
    }

    [Fact]
    public async Task The_gateway_runs_only_batches_open_on_its_own_silo_and_names_the_problem_otherwise()
    {
        var silo = await StartAsync(silos: 2);
        var pool = BatchGateway.PoolKey;

        // A cluster client holds no batch sessions: whichever silo its call lands on has none open under the id.
        var unknown = Guid.NewGuid();
        var fromClient = await Assert.ThrowsAsync<InvalidOperationException>(() => Cluster.Cluster.Client.GetGrain<IBatchGatewayGrain>(pool).Execute(unknown));
        Assert.Contains($"batch {unknown} is not open on this silo", fromClient.Message);

        // A batch open on one silo is invisible to another silo's pool, and runs on its own.
        var output = Channel.CreateUnbounded<BatchResult>();
        using var session = silo.Services.GetRequiredService<BatchSessions>().Open(new TrackedInput(Gets(2)), output.Writer);
        var fromOtherSilo = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Cluster.Silos[1].GrainFactory.GetGrain<IBatchGatewayGrain>(pool).Execute(session.Id));
        Assert.Contains($"batch {session.Id} is not open on this silo", fromOtherSilo.Message);
        Assert.False(output.Reader.Completion.IsCompleted);

        await silo.GrainFactory.GetGrain<IBatchGatewayGrain>(pool).Execute(session.Id);
        var results = await ReadAllAsync(output.Reader.ReadAllAsync());
        Assert.Equal([0, 1], results.Select(r => r.Index).Order());
    }
}
