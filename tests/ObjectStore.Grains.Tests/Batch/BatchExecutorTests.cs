using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;
using static ObjectStore.Grains.Tests.Batch.BatchTestKit;

namespace ObjectStore.Grains.Tests.Batch;

public sealed class BatchExecutorTests
{
    private static BatchExecutor Executor(ServiceConcurrencyLimiter limiter, double fraction = BatchExecutorOptions.DefaultWindowFraction) =>
        new(limiter, new BatchExecutorOptions { WindowFraction = fraction });

    [Fact]
    public async Task No_free_permit_fails_the_batch_with_AtCapacity_before_any_operation_is_read()
    {
        var input = new TrackedInput(Gets(3));
        var runner = PausingRunner.PausingAll(0);

        await Assert.ThrowsAsync<AtCapacityException>(() => ReadAllAsync(Executor(Limiter(0)).ExecuteAsync(input, runner)));

        Assert.False(input.Touched);
        Assert.Empty(runner.Started);
    }

    [Fact]
    public async Task A_batch_is_rejected_while_another_caller_holds_all_permits_and_runs_once_they_are_back()
    {
        var limiter = Limiter(20);
        var executor = Executor(limiter);
        var input = new TrackedInput(Gets(3));
        var held = limiter.TryReserve(20)!;

        await Assert.ThrowsAsync<AtCapacityException>(() => ReadAllAsync(executor.ExecuteAsync(input, PausingRunner.PausingAll(0))));
        Assert.False(input.Touched);

        held.Dispose();
        var results = await ReadAllAsync(executor.ExecuteAsync(input, PausingRunner.PausingAll(0)));
        Assert.Equal([0, 1, 2], results.Select(r => r.Index).Order());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 1)]
    [InlineData(100, 10)]
    [InlineData(500, 50)]
    [InlineData(1000, 100)]
    public async Task The_window_is_a_tenth_of_the_free_permits_rounded_up_and_reserved_at_once(int permits, int window)
    {
        var limiter = Limiter(permits);
        var executor = Executor(limiter);
        Assert.Equal(window, executor.CurrentWindow);
        var runner = PausingRunner.PausingAll(window + 3);
        var input = new TrackedInput(Gets(window + 3));

        await using var results = executor.ExecuteAsync(input, runner).GetAsyncEnumerator();
        var first = results.MoveNextAsync();
        await WaitUntil(() => runner.Running == window, "the window's operations running");

        Assert.Equal(permits - window, limiter.Available);
        Assert.Equal(window, input.Pulled);
        runner.ReleaseAll();
        Assert.True(await first);
    }

    [Fact]
    public async Task The_window_fraction_is_configurable()
    {
        var limiter = Limiter(10);
        Assert.Equal(5, Executor(limiter, 0.5).CurrentWindow);
        Assert.Equal(10, Executor(limiter, 1.0).CurrentWindow);
        using var held = limiter.TryReserve(7);
        Assert.Equal(2, Executor(limiter, 0.5).CurrentWindow);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_window_fraction_outside_zero_to_one_is_refused(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Executor(Limiter(10), fraction));
        Assert.Contains("WindowFraction", error.Message);
    }

    [Fact]
    public async Task An_empty_input_yields_nothing_and_returns_the_permits()
    {
        var limiter = Limiter(100);

        var results = await ReadAllAsync(Executor(limiter).ExecuteAsync(new TrackedInput([]), PausingRunner.PausingAll(0)));

        Assert.Empty(results);
        Assert.Equal(100, limiter.Available);
    }

    [Fact]
    public async Task Exactly_window_operations_run_at_once_and_input_is_pulled_only_as_slots_free()
    {
        var limiter = Limiter(100);
        var runner = PausingRunner.PausingAll(25);
        var input = new TrackedInput(Gets(25));

        await using var results = Executor(limiter).ExecuteAsync(input, runner).GetAsyncEnumerator();
        var next = results.MoveNextAsync();
        await WaitUntil(() => runner.Running == 10, "ten operations running");
        Assert.Equal(10, input.Pulled);
        Assert.False(next.IsCompleted);

        runner.Release(3);
        Assert.True(await next);
        Assert.Equal(3, results.Current.Index);
        await WaitUntil(() => runner.Running == 10, "a new operation in the freed slot");
        Assert.Equal(11, input.Pulled);

        runner.ReleaseAll();
        var count = 1;
        while (await results.MoveNextAsync()) count++;
        Assert.Equal(25, count);
        Assert.Equal(10, runner.MaxRunning);
        Assert.Equal(100, limiter.Available);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Permits_come_back_only_after_abandoned_operations_finish(bool byCancellation)
    {
        var limiter = Limiter(50);
        var runner = PausingRunner.PausingAll(20);
        var input = new TrackedInput(Gets(20));
        using var cancel = new CancellationTokenSource();
        var results = Executor(limiter).ExecuteAsync(input, runner, cancel.Token).GetAsyncEnumerator();
        var next = results.MoveNextAsync();
        await WaitUntil(() => runner.Running == 5, "the window running");

        runner.Release(0);
        Assert.True(await next);
        runner.Release(1);
        Assert.True(await results.MoveNextAsync());
        await WaitUntil(() => runner.Running == 5, "the freed slots refilled");
        if (byCancellation)
        {
            var pending = results.MoveNextAsync();
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        }
        await results.DisposeAsync();

        Assert.Equal(45, limiter.Available);
        Assert.Equal(5, runner.Running);
        runner.ReleaseAll();
        await WaitUntil(() => limiter.Available == 50, "all permits back");
        Assert.Equal(7, runner.Finished);
        Assert.Equal(7, input.Pulled);
    }

    [Fact]
    public async Task One_throwing_operation_fails_alone()
    {
        var runner = new FuncRunner(async op =>
        {
            if (op.Index == 1) throw new InvalidOperationException("boom at once");
            await Task.Yield();
            if (op.Index == 3) throw new IOException("boom later");
            return BatchResult.Found(op, new ObjectMetadata(), new byte[] { (byte)op.Index });
        });

        var results = await ReadAllAsync(Executor(Limiter(100)).ExecuteAsync(new TrackedInput(Gets(5)), runner));

        var byIndex = results.ToDictionary(r => r.Index);
        Assert.Equal(5, byIndex.Count);
        Assert.Equal((500, "boom at once"), (byIndex[1].Status, byIndex[1].ErrorMessage));
        Assert.Equal((500, "boom later"), (byIndex[3].Status, byIndex[3].ErrorMessage));
        foreach (var i in new[] { 0, 2, 4 })
        {
            Assert.Equal(200, byIndex[i].Status);
            Assert.Equal([(byte)i], byIndex[i].Payload.ToArray());
        }
    }

    /// <summary>Refuses every acquire while <see cref="Refusing"/>, counting refusals.</summary>
    private sealed class RefusablePermits : IBackendPermits
    {
        private int _refused;

        public volatile bool Refusing;

        public int Refused => Volatile.Read(ref _refused);

        public ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
        {
            if (!Refusing) return UnlimitedPermits.Instance.AcquireAsync(cancellationToken);
            Interlocked.Increment(ref _refused);
            throw new AtCapacityException();
        }
    }

    [Fact]
    public async Task An_operation_refused_a_permit_answers_429_even_when_its_grain_on_another_silo_refused_it()
    {
        var permits = new ConcurrentDictionary<string, RefusablePermits>();
        await using var cluster = await GrainsCluster.StartAsync(2, permitsOf: silo => permits.GetOrAdd(silo, _ => new RefusablePermits()));
        var (here, there) = (cluster.Silos[0], cluster.Silos[1]);
        var remote = await cluster.IdOwnedByAsync(there, "refused");
        permits[there.Name].Refusing = true;
        // The production runner of silo 0: the operation's ObjectGrain call crosses to silo 1, whose permit is refused.
        var objects = here.Services.GetRequiredService<IBatchOperationRunner>();
        var runner = new FuncRunner(op => op.Index switch
        {
            0 => throw new AtCapacityException(),
            1 => objects.RunAsync(op),
            _ => throw new IOException("disk on fire"),
        });
        var input = new TrackedInput([Get(0, "local"), BatchOperation.Get(1, remote), Get(2, "broken")]);

        var results = (await ReadAllAsync(Executor(Limiter(100)).ExecuteAsync(input, runner))).ToDictionary(r => r.Index);

        Assert.Equal((429, AtCapacityException.Detail), (results[0].Status, results[0].ErrorMessage));
        Assert.Equal((429, AtCapacityException.Detail), (results[1].Status, results[1].ErrorMessage));
        Assert.Equal((500, "disk on fire"), (results[2].Status, results[2].ErrorMessage));
        Assert.Equal(1, permits[there.Name].Refused);
        Assert.Equal(0, permits[here.Name].Refused);
    }

    [Fact]
    public async Task A_grain_error_from_another_silo_that_is_not_a_permit_refusal_answers_500_with_its_message()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var (here, there) = (cluster.Silos[0], cluster.Silos[1]);
        var remote = await cluster.IdOwnedByAsync(there, "remote-error");
        var objects = here.Services.GetRequiredService<IBatchOperationRunner>();
        // A commit of a write the grain never began fails there with UnknownLargeWriteException.
        var changeId = Guid.NewGuid();
        var runner = new FuncRunner(async op =>
        {
            await here.GrainFactory.GetObjectGrain(op.Id).CommitLargeWrite(new LargeWriteTicket { RevisionKey = $"{op.Id.Key}/never-begun", ChangeId = changeId, Metadata = new ObjectInfo() }, 1);
            return await objects.RunAsync(op);
        });

        var result = Assert.Single(await ReadAllAsync(Executor(Limiter(100)).ExecuteAsync(new TrackedInput([BatchOperation.Get(0, remote)]), runner)));

        Assert.Equal(500, result.Status);
        Assert.Contains(changeId.ToString(), result.ErrorMessage);
    }

    [Fact]
    public async Task Error_items_pass_through_unchanged_with_their_index()
    {
        var tooLarge = BatchItem.Failed(1, 413, "payload too large");
        var badKind = BatchItem.Failed(3, 400, "unknown operation kind");
        var runner = PausingRunner.PausingAll(0);
        var input = new TrackedInput([Get(0, "a"), tooLarge, Get(2, "b"), badKind]);

        var results = await ReadAllAsync(Executor(Limiter(100)).ExecuteAsync(input, runner));

        Assert.Equal([0, 1, 2, 3], results.Select(r => r.Index).Order());
        Assert.Same(tooLarge.Error, results.Single(r => r.Index == 1));
        Assert.Same(badKind.Error, results.Single(r => r.Index == 3));
        Assert.Equal([0, 2], runner.Started.Order());
        Assert.True(results.Single(r => r.Index == 1).IsError);
        Assert.Null(results.Single(r => r.Index == 3).Key);
    }

    [Fact]
    public async Task Results_come_in_completion_order_with_their_original_indices()
    {
        var runner = PausingRunner.PausingAll(3);
        await using var results = Executor(Limiter(100)).ExecuteAsync(new TrackedInput(Gets(3)), runner).GetAsyncEnumerator();
        var order = new List<int>();

        foreach (var index in new[] { 2, 0, 1 })
        {
            var next = results.MoveNextAsync();
            runner.Release(index);
            Assert.True(await next);
            order.Add(results.Current.Index);
        }

        Assert.Equal([2, 0, 1], order);
        Assert.False(await results.MoveNextAsync());
    }

    [Fact]
    public async Task Get_missing_get_insert_and_delete_answer_with_their_kinds_statuses_and_keys()
    {
        var store = new Dictionary<string, byte[]> { ["present"] = [1, 2, 3], ["doomed"] = [9] };
        var runner = new FuncRunner(op => Task.FromResult(InMemory(store, op)));
        var meta = new ObjectMetadata();
        var input = new TrackedInput(
        [
            Get(0, "present"),
            Get(1, "absent"),
            BatchOperation.Insert(2, "batch-tests", Scopes.Empty, "named", meta, new byte[] { 7 }),
            BatchOperation.Insert(3, "batch-tests", Scopes.Empty, null, meta, new byte[] { 8 }),
            BatchOperation.Delete(4, Id("doomed")),
            BatchOperation.Head(5, Id("present")),
        ]);

        var results = (await ReadAllAsync(Executor(Limiter(100)).ExecuteAsync(input, runner))).ToDictionary(r => r.Index);

        Assert.Equal((200, BatchOperationKind.Get, "present"), (results[0].Status, results[0].Kind, results[0].Key));
        Assert.Equal([1, 2, 3], results[0].Payload.ToArray());
        Assert.Equal((404, BatchOperationKind.Get, "absent"), (results[1].Status, results[1].Kind, results[1].Key));
        Assert.Equal((201, BatchOperationKind.Insert, "named"), (results[2].Status, results[2].Kind, results[2].Key));
        Assert.Equal((201, BatchOperationKind.Insert), (results[3].Status, results[3].Kind));
        Assert.True(Guid.TryParse(results[3].Key, out var generated));
        Assert.Equal(4, generated.Version);
        Assert.Equal((204, BatchOperationKind.Delete, "doomed"), (results[4].Status, results[4].Kind, results[4].Key));
        Assert.Equal((204, BatchOperationKind.Head, "present"), (results[5].Status, results[5].Kind, results[5].Key));
        Assert.All(results.Values, r => Assert.False(r.IsError));
        Assert.Equal([7], store["named"]);
        Assert.Equal([8], store[results[3].Key!]);
        Assert.False(store.ContainsKey("doomed"));
    }

    [Fact]
    public async Task A_failing_input_ends_the_results_with_its_error_after_the_started_operations()
    {
        var limiter = Limiter(100);
        var input = new TrackedInput(Gets(2), new FormatException("broken multipart body"));
        var seen = new List<int>();

        var error = await Assert.ThrowsAsync<FormatException>(async () =>
        {
            await foreach (var result in Executor(limiter).ExecuteAsync(input, PausingRunner.PausingAll(0))) seen.Add(result.Index);
        });

        Assert.Equal("broken multipart body", error.Message);
        Assert.Equal([0, 1], seen.Order());
        Assert.Equal(100, limiter.Available);
    }

    [Fact]
    public void An_insert_larger_than_one_mebibyte_is_refused()
    {
        var payload = new byte[BatchOperation.MaxInsertBytes + 1];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            BatchOperation.Insert(0, "batch-tests", Scopes.Empty, "k", new ObjectMetadata(), payload));
    }

    private static BatchResult InMemory(Dictionary<string, byte[]> store, BatchOperation op)
    {
        lock (store)
        {
            switch (op.Kind)
            {
                case BatchOperationKind.Get:
                    return store.TryGetValue(op.Id.Key, out var bytes) ? BatchResult.Found(op, new ObjectMetadata(), bytes) : BatchResult.NotFound(op);
                case BatchOperationKind.Head:
                    return store.ContainsKey(op.Id.Key) ? BatchResult.HeadFound(op, new ObjectMetadata()) : BatchResult.NotFound(op);
                case BatchOperationKind.Insert:
                    store[op.Id.Key] = op.Payload.ToArray();
                    return BatchResult.Created(op);
                default:
                    store.Remove(op.Id.Key);
                    return BatchResult.Deleted(op);
            }
        }
    }
}
