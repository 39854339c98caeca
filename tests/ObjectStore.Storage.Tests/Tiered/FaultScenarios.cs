using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>Faults at every step of the protocol: failing and lost CAS, failing LT deletes, races, crashes.</summary>
public abstract partial class TieredScenarios
{
    private sealed class FailCas : HighVolumeHooks
    {
        public override ValueTask BeforeCompareAndWrite(ObjectId id, ObjectId? expectedTarget, TieredWrite write) =>
            throw new IOException("injected: CAS failed");
    }

    /// <summary>The CAS is applied, then its response is lost (once).</summary>
    private sealed class LoseCasResponse : HighVolumeHooks
    {
        private int _fired;

        public override ValueTask AfterCompareAndWrite(ObjectId id, ObjectId? expectedTarget, TieredWrite write, bool applied) =>
            Interlocked.Exchange(ref _fired, 1) == 0 ? throw new IOException("injected: CAS response lost") : default;
    }

    /// <summary>Just before the first CAS, a competing writer runs to completion.</summary>
    private sealed class CompetingWriteBeforeCas(Func<Task> competitor) : HighVolumeHooks
    {
        private int _fired;

        public override async ValueTask BeforeCompareAndWrite(ObjectId id, ObjectId? expectedTarget, TieredWrite write)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0) await competitor();
        }
    }

    /// <summary>The process dies just before the CAS: the job loop is gone and the operation fails.</summary>
    private sealed class CrashBeforeCas(BackgroundJobLoop jobs) : HighVolumeHooks
    {
        public override ValueTask BeforeCompareAndWrite(ObjectId id, ObjectId? expectedTarget, TieredWrite write)
        {
            jobs.ForceStop();
            throw new IOException("injected: process crashed");
        }
    }

    /// <summary>
    /// The process dies between an inline put's statement and its acknowledgement, for the keys named: the statement ran
    /// (on SQL stores in a group commit with the others), the caller never hears back.
    /// </summary>
    private sealed class CrashAfterPutInline(IReadOnlySet<ObjectId> crashed) : HighVolumeHooks
    {
        public override ValueTask AfterPutInline(ObjectId id, Tombstone? found) =>
            crashed.Contains(id) ? throw new IOException("injected: crashed before the acknowledgement") : default;
    }

    private sealed class FailDelete : LongTermHooks
    {
        public int Attempts;

        public override ValueTask BeforeDelete(ObjectId id)
        {
            Interlocked.Increment(ref Attempts);
            throw new IOException("injected: LT delete failed");
        }
    }

    private sealed class FailDeleteTimes(int failures) : LongTermHooks
    {
        public int Attempts;

        public override ValueTask BeforeDelete(ObjectId id) =>
            Interlocked.Increment(ref Attempts) <= failures ? throw new IOException("injected: LT delete failed") : default;
    }

    [Fact]
    public async Task Delete_succeeds_when_the_LT_delete_fails_and_recovery_removes_the_blob_later()
    {
        await PutAsync(Large());
        await SettleAsync();
        var target = await TargetAsync();
        var failDelete = new FailDelete();
        Lt.Hooks = failDelete;
        await Storage.DeleteAsync(Id, Ct);
        Assert.Equal(EntryKind.NotFound, (await RowAsync()).Kind);
        Assert.Null(await ReadAsync());

        while (Volatile.Read(ref failDelete.Attempts) < 3) await Task.Delay(1, Ct);
        await Jobs.StopAsync(new CancellationToken(canceled: true));
        Assert.Equal([target.StoragePath], await BlobsAsync());
        Assert.Single(await EntriesAsync());

        Lt.Hooks = LongTermHooks.None;
        Assert.Equal(0, (await Storage.RecoverAsync([Owner], 10, Ct)).Claimed);
        Assert.Equal([target.StoragePath], await BlobsAsync());
        var recovered = await Storage.RecoverAsync([], 10, Ct);
        Assert.Equal(1, recovered.Cleaned);
        Assert.Empty(await BlobsAsync());
        Assert.Empty(await EntriesAsync());
    }

    [Fact]
    public async Task Cleanup_retries_a_failing_LT_delete_until_it_succeeds()
    {
        await PutAsync(Large());
        var hook = new FailDeleteTimes(3);
        Lt.Hooks = hook;
        await Storage.DeleteAsync(Id, Ct);
        await AssertSettledAsync(null);
        Assert.Equal(4, hook.Attempts);
    }

    [Fact]
    public async Task Cas_conflict_on_a_large_write_cleans_its_own_blob_and_returns_success()
    {
        var winner = Large(2);
        Hv.Hooks = new CompetingWriteBeforeCas(() => PutAsync(winner));
        Assert.Equal(WriteOutcome.Superseded, await PutAsync(Large(1)));
        await AssertSettledAsync(winner);
    }

    [Fact]
    public async Task Cas_conflict_when_swapping_a_tombstone_for_inline_data_returns_success()
    {
        await PutAsync(Large(1));
        var winner = Large(2);
        Hv.Hooks = new CompetingWriteBeforeCas(() => PutAsync(winner));
        Assert.Equal(WriteOutcome.Superseded, await PutAsync(Bytes(10)));
        await AssertSettledAsync(winner);
    }

    [Fact]
    public async Task Cas_conflict_on_a_delete_keeps_the_newer_object()
    {
        await PutAsync(Large(1));
        var winner = Large(2);
        Hv.Hooks = new CompetingWriteBeforeCas(() => PutAsync(winner));
        await Storage.DeleteAsync(Id, Ct);
        await AssertSettledAsync(winner);
    }

    /// <summary>
    /// After commits whose outcome is unknown: nothing is deleted at once; each entry is durably due after the
    /// unknown-outcome delay, recovery leaves it alone until then (its owner lives) and cleans it after.
    /// </summary>
    private async Task RecoverAfterUnknownOutcomeAsync(int entries, int blobsMeanwhile)
    {
        await SettleAsync();
        Assert.Equal(blobsMeanwhile, (await BlobsAsync()).Count);
        var due = Clock.GetUtcNow() + new TieredStorageOptions().UnknownOutcomeDelay;
        var pending = await EntriesAsync();
        Assert.Equal(entries, pending.Count);
        Assert.All(pending, e => Assert.Equal((ChangePhase.Written, (DateTimeOffset?)due), (e.Phase, e.CleanupAfter)));

        Clock.Advance(new TieredStorageOptions().UnknownOutcomeDelay - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await Storage.RecoverAsync([Owner], 10, Ct)).Claimed);
        Assert.Equal(blobsMeanwhile, (await BlobsAsync()).Count);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var recovered = await Storage.RecoverAsync([Owner], 10, Ct);
        Assert.Equal((entries, entries, 0), (recovered.Claimed, recovered.Cleaned, recovered.Failed));
    }

    [Fact]
    public async Task No_orphan_when_the_tombstone_write_fails()
    {
        Hv.Hooks = new FailCas();
        await Assert.ThrowsAsync<IOException>(() => PutAsync(Large()));
        await RecoverAfterUnknownOutcomeAsync(entries: 1, blobsMeanwhile: 1);
        await AssertSettledAsync(null);
    }

    [Fact]
    public async Task Failed_tombstone_write_over_an_object_keeps_the_old_object_and_blob()
    {
        var old = Large(1);
        await PutAsync(old);
        Hv.Hooks = new FailCas();
        await Assert.ThrowsAsync<IOException>(() => PutAsync(Large(2)));
        await Assert.ThrowsAsync<IOException>(() => PutAsync(Bytes(10)));
        await Assert.ThrowsAsync<IOException>(() => Storage.DeleteAsync(Id, Ct));
        Hv.Hooks = HighVolumeHooks.None;
        await RecoverAfterUnknownOutcomeAsync(entries: 3, blobsMeanwhile: 2);
        await AssertSettledAsync(old);
    }

    [Fact]
    public async Task Commit_applied_but_response_lost_cleans_the_old_blob_and_keeps_the_new()
    {
        await PutAsync(Large(1));
        var old = await TargetAsync();
        var data = Large(2);
        Hv.Hooks = new LoseCasResponse();
        await Assert.ThrowsAsync<IOException>(() => PutAsync(data));
        var current = await TargetAsync();
        Assert.NotEqual(old, current);
        // A late-applied commit could still land: neither blob goes before the delay, then the old one does.
        await RecoverAfterUnknownOutcomeAsync(entries: 1, blobsMeanwhile: 2);
        await AssertSettledAsync(data);
        Assert.Equal(current, await TargetAsync());
    }

    [Fact]
    public async Task Swap_applied_but_response_lost_cleans_the_old_blob()
    {
        await PutAsync(Large(1));
        var small = Bytes(10);
        Hv.Hooks = new LoseCasResponse();
        await Assert.ThrowsAsync<IOException>(() => PutAsync(small));
        await RecoverAfterUnknownOutcomeAsync(entries: 1, blobsMeanwhile: 1);
        await AssertSettledAsync(small);
    }

    [Fact]
    public async Task Concurrent_small_puts_that_crash_before_their_acknowledgement_lose_no_acknowledged_write()
    {
        var ids = Enumerable.Range(0, 12).Select(i => new ObjectId(Id.Usecase, Id.Scopes, $"{Id.Key}-{i}")).ToArray();
        var crashed = ids.Where((_, i) => i % 3 == 0).ToHashSet();
        Hv.Hooks = new CrashAfterPutInline(crashed);
        // All at once, so the SQL stores' group commit carries acknowledged and crashed callers in the same round trips.
        var puts = ids.Select((id, i) => PutAsync(id, Bytes(100 + i, i))).ToArray();
        await Task.WhenAll(puts.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
        Hv.Hooks = HighVolumeHooks.None;

        for (var i = 0; i < ids.Length; i++)
        {
            // What a restarted process reads: the store itself, past any cache.
            var row = await Hv.Inner.ReadAsync(ids[i], null, Clock.GetUtcNow(), Ct);
            if (crashed.Contains(ids[i]))
            {
                await Assert.ThrowsAsync<IOException>(() => puts[i]);
                // Unacknowledged: absent or the value sent, never anything else.
                Assert.True(row.Kind == EntryKind.NotFound || row.Payload.ToArray().SequenceEqual(Bytes(100 + i, i)), $"put {i}: {row.Kind}");
            }
            else
            {
                await puts[i];
                Assert.Equal(EntryKind.Inline, row.Kind);
                Assert.Equal(Bytes(100 + i, i), row.Payload.ToArray());
            }
        }
    }

    [Fact]
    public async Task Crash_between_LT_write_and_commit_is_recovered_once_the_owner_is_gone()
    {
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        await Lt.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(Large()), null, Ct);
        // The process dies here: the guard is never disposed.
        Assert.Equal([write.Revision.StoragePath], await BlobsAsync());

        Assert.Equal(0, (await Storage.RecoverAsync([Owner], 10, Ct)).Claimed);
        Assert.Equal([write.Revision.StoragePath], await BlobsAsync());

        var recovered = await Storage.RecoverAsync(["another-silo"], 10, Ct);
        Assert.Equal(new RecoveryResult(1, 1, 1, 0), recovered);
        await AssertSettledAsync(null);
    }

    [Fact]
    public async Task A_large_write_abandoned_while_the_process_stops_is_due_for_the_next_recovery_though_its_owner_lives()
    {
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        await Lt.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(Large()), null, Ct);
        Jobs.ForceStop();

        Assert.False(await Storage.AbandonLargeWriteAsync(Id, write.ChangeId, Ct));

        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal(ChangePhase.Lost, entry.Phase);
        Assert.Equal(new RecoveryResult(1, 1, 1, 0), await Storage.RecoverAsync([Owner], 10, Ct));
        Assert.Empty(await BlobsAsync());
        Assert.Empty(await EntriesAsync());
    }

    [Fact]
    public async Task Recovery_that_fails_is_retried_by_a_live_recoverer_once_its_claim_lapsed()
    {
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        await Lt.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(Large()), null, Ct);
        // The writer dies (its owner is not live); recovery claims the entry, becoming its owner, but the LT delete fails.
        Lt.Hooks = new FailDelete();
        Assert.Equal(new RecoveryResult(1, 0, 0, 1), await Storage.RecoverAsync(["another-silo"], 10, Ct));
        Lt.Hooks = LongTermHooks.None;
        Assert.Equal([write.Revision.StoragePath], await BlobsAsync());
        Assert.Equal(0, (await Storage.RecoverAsync([Owner], 10, Ct)).Claimed);
        Clock.Advance(new TieredStorageOptions().RecoveryClaim);
        Assert.Equal(new RecoveryResult(1, 1, 1, 0), await Storage.RecoverAsync([Owner], 10, Ct));
        await AssertSettledAsync(null);
    }

    [Fact]
    public async Task Crash_at_commit_with_a_forced_shutdown_leaves_the_blob_to_recovery()
    {
        var old = Large(1);
        await PutAsync(old);
        await SettleAsync();
        Hv.Hooks = new CrashBeforeCas(Jobs);
        await Assert.ThrowsAsync<IOException>(() => PutAsync(Large(2)));
        Assert.Equal(2, (await BlobsAsync()).Count);
        Assert.Single(await EntriesAsync());

        Hv.Hooks = HighVolumeHooks.None;
        // The commit had taken the entry (Written): a CAS statement sent before the crash could still be applied, so
        // recovery leaves it alone for the unknown-outcome delay even though its owner is gone, then HV decides.
        Assert.Equal(0, (await Storage.RecoverAsync([], 10, Ct)).Claimed);
        Clock.Advance(new TieredStorageOptions().UnknownOutcomeDelay);
        Assert.Equal(1, (await Storage.RecoverAsync([], 10, Ct)).Cleaned);
        await AssertSettledAsync(old);
    }
}
