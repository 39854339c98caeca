using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>Many writers on one key, and waiting for background cleanup.</summary>
public abstract partial class TieredScenarios
{
    /// <summary>LT deletes block until released, announcing that they started.</summary>
    private sealed class PauseDelete : LongTermHooks
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask BeforeDelete(ObjectId id)
        {
            Started.TrySetResult();
            await Release.Task;
        }
    }

    [Fact]
    public async Task Concurrent_writers_on_one_key_leave_one_winner_and_nothing_leaked()
    {
        var payloads = Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? Bytes(100 + i, i) : Large(i)).ToArray();
        var outcomes = await Task.WhenAll(payloads.Select(p => Task.Run(() => PutAsync(p), Ct)));
        Assert.Contains(WriteOutcome.Written, outcomes);
        await SettleAsync();

        var stored = await ReadAsync();
        Assert.NotNull(stored);
        var winner = Assert.Single(payloads, p => p.AsSpan().SequenceEqual(stored));
        await AssertSettledAsync(winner);
    }

    [Fact]
    public async Task Concurrent_writers_and_deletes_leave_either_nothing_or_one_writer_and_nothing_leaked()
    {
        var payloads = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? Bytes(10 + i, i) : Large(i)).ToArray();
        var writers = payloads.Select(p => Task.Run(() => PutAsync(p), Ct))
            .Concat(Enumerable.Range(0, 4).Select(_ => Task.Run(async () => { await Storage.DeleteAsync(Id, Ct); return WriteOutcome.Written; }, Ct)));
        await Task.WhenAll(writers);
        await SettleAsync();
        var stored = await ReadAsync();
        await AssertSettledAsync(stored is null ? null : Assert.Single(payloads, p => p.AsSpan().SequenceEqual(stored)));
    }

    [Fact]
    public async Task JoinAsync_waits_for_background_cleanup()
    {
        await PutAsync(Large());
        await SettleAsync();
        var pause = new PauseDelete();
        Lt.Hooks = pause;
        await Storage.DeleteAsync(Id, Ct);
        await pause.Started.Task.WaitAsync(Ct);

        var join = Storage.JoinAsync(Ct);
        Assert.False(join.IsCompleted);
        Assert.Single(await BlobsAsync());
        pause.Release.SetResult();
        await join;
        Assert.Empty(await BlobsAsync());
        Assert.Empty(await EntriesAsync());
        Assert.Equal(EntryKind.NotFound, (await RowAsync()).Kind);
    }
}
