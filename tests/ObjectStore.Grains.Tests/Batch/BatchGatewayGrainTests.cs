using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Hosting;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;
using static ObjectStore.Grains.Tests.Batch.BatchTestKit;

namespace ObjectStore.Grains.Tests.Batch;

/// <summary>Batches through the BatchGatewayGrain pool of a silo, against real ObjectGrains over in-memory stores.</summary>
public sealed class BatchGatewayGrainTests : IAsyncLifetime
{
    // Small, so a batch insert of a few KiB takes the large-write path and its get answers with an LT revision.
    private const int InlineThreshold = 1024;
    private const int Permits = 100;

    private readonly IHighVolumeStore _hv = new InMemoryHighVolumeStore();
    private readonly ILongTermStore _lt = new InMemoryLongTermStore();
    private readonly IChangeLog _log = new InMemoryChangeLog();
    private readonly List<BackgroundJobLoop> _jobs = [];
    private readonly Dictionary<string, ServiceConcurrencyLimiter> _limiters = [];
    private TestCluster _cluster = null!;

    /// <summary>Replaces the ObjectGrain runner of every silo started afterwards.</summary>
    private Func<IGrainFactory, IBatchOperationRunner>? _runner;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        foreach (var jobs in _jobs) await jobs.DisposeAsync();
    }

    private async Task<Silo> StartAsync(int silos = 2, int permits = Permits)
    {
        _cluster = await TestCluster.StartAsync(silos, new TestClusterSetup
        {
            ClientInterfaces = [BatchGatewayGrainInterface.Instance],
            ConfigureSilo = (builder, membership) =>
            {
                var siloId = builder.Options.SiloId;
                var jobs = new BackgroundJobLoop();
                var storage = new TieredStorage(_hv, _lt, _log, jobs, new TieredStorageOptions { InlineThreshold = InlineThreshold, Owner = siloId });
                var limiter = Limiter(permits);
                lock (_limiters)
                {
                    _jobs.Add(jobs);
                    _limiters[siloId] = limiter;
                }
                var executor = new BatchExecutor(limiter, new BatchExecutorOptions());
                builder.AddObjectStoreGrains(new ObjectStoreGrainServices
                {
                    Storage = storage,
                    HighVolume = _hv,
                    LiveSilos = ObjectStoreGrainServices.LiveSilosOf(membership),
                });
                if (_runner is null) builder.AddBatchGateway(executor, _lt, storage.InlineThreshold);
                else builder.AddBatchGateway(executor, _runner);
            },
        });
        return _cluster.Primary;
    }

    private ServiceConcurrencyLimiter LimiterOf(Silo silo) => _limiters[silo.SiloId];

    private static BatchOperation Insert(int index, string? key, byte[] payload) =>
        BatchOperation.Insert(index, "batch-tests", Scopes.Empty, key, new ObjectMetadata { ContentType = "text/plain" }, payload);

    [Fact]
    public async Task A_batch_inserts_reads_and_deletes_through_the_object_grains_of_several_silos()
    {
        var silo = await StartAsync();
        await silo.GrainFactory.GetObjectGrain(Id("present")).PutInline(new ObjectMetadata(), new byte[] { 1, 2, 3 });
        await silo.GrainFactory.GetObjectGrain(Id("doomed")).PutInline(new ObjectMetadata(), new byte[] { 9 });
        var big = Enumerable.Range(0, 4 * InlineThreshold).Select(i => (byte)i).ToArray();

        var first = (await ReadAllAsync(BatchGateway.RunAsync(silo.GrainFactory, new TrackedInput(
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

        var second = (await ReadAllAsync(BatchGateway.RunAsync(silo.GrainFactory, new TrackedInput(
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
        await using (var blob = (await _lt.GetAsync(second[1].Revision!, null, CancellationToken.None))!)
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
        _runner = grains => new ObjectGrainBatchRunner(grains, new FailPutForKeys(_lt, "doomed"), InlineThreshold);
        var silo = await StartAsync();
        var big = new byte[2 * InlineThreshold];

        var results = (await ReadAllAsync(BatchGateway.RunAsync(silo.GrainFactory, new TrackedInput(
        [
            Insert(0, "doomed-big", big),
            Insert(1, "fine-big", big),
            Insert(2, "fine-small", [1]),
        ])))).ToDictionary(r => r.Index);

        Assert.Equal(500, results[0].Status);
        Assert.Contains("injected LT write failure", results[0].ErrorMessage);
        Assert.Equal((201, 201), (results[1].Status, results[2].Status));
        var reads = (await ReadAllAsync(BatchGateway.RunAsync(silo.GrainFactory, new TrackedInput([Get(0, "doomed-big"), Get(1, "fine-big")]))))
            .ToDictionary(r => r.Index);
        Assert.Equal((404, 200), (reads[0].Status, reads[1].Status));
        Assert.Equal(Permits, LimiterOf(silo).Available);
    }

    [Fact]
    public async Task A_silo_without_free_permits_fails_the_batch_with_AtCapacity_before_reading_it()
    {
        var silo = await StartAsync(silos: 1, permits: 0);
        var input = new TrackedInput(Gets(2));

        await Assert.ThrowsAsync<AtCapacityException>(() => ReadAllAsync(BatchGateway.RunAsync(silo.GrainFactory, input)));

        Assert.False(input.Touched);
    }

    [Fact]
    public async Task A_caller_that_stops_reading_leaves_the_started_operations_running_until_they_finish()
    {
        var runner = PausingRunner.PausingAll(30);
        _runner = _ => runner;
        var silo = await StartAsync(silos: 1);
        var limiter = LimiterOf(silo);
        var input = new TrackedInput(Gets(30));

        var results = BatchGateway.RunAsync(silo.GrainFactory, input).GetAsyncEnumerator();
        var next = results.MoveNextAsync();
        await WaitUntil(() => runner.Running == 10, "the window running");
        runner.Release(4);
        Assert.True(await next);
        Assert.Equal(4, results.Current.Index);
        await WaitUntil(() => runner.Running == 10, "the freed slot refilled");
        await results.DisposeAsync();

        Assert.Equal(Permits - 10, limiter.Available);
        runner.ReleaseAll();
        await WaitUntil(() => limiter.Available == Permits, "all permits back");
        Assert.Equal(11, runner.Finished);
        Assert.Equal(11, input.Pulled);
    }

    [Fact]
    public async Task More_batches_than_pool_workers_run_at_once()
    {
        var runner = PausingRunner.PausingAll(1);
        _runner = _ => runner;
        var silo = await StartAsync(silos: 1);
        var batches = Environment.ProcessorCount + 2;

        var running = Enumerable.Range(0, batches)
            .Select(_ => ReadAllAsync(BatchGateway.RunAsync(silo.GrainFactory, new TrackedInput(Gets(1)))))
            .ToArray();
        await WaitUntil(() => runner.Running == batches, "every batch's operation running");

        runner.ReleaseAll();
        foreach (var results in await Task.WhenAll(running)) Assert.Equal(200, Assert.Single(results).Status);
    }

    [Fact]
    public async Task A_cluster_client_cannot_call_the_local_only_gateway()
    {
        await StartAsync(silos: 1);
        using var client = _cluster.CreateClient(_cluster.Primary.Address!);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            client.GetGrain<IBatchGatewayGrain>(BatchGateway.PoolKey).Execute(new TrackedInput([]), System.Threading.Channels.Channel.CreateUnbounded<BatchResult>().Writer));
        Assert.Contains("local", error.Message);
    }
}
