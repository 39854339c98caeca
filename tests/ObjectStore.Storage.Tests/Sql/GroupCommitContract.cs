using System.Data;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>
/// The group commit on a real engine: callers lined up behind round trips held in flight (a lock taken outside the
/// store) travel as one group, and each gets its own outcome.
/// </summary>
public abstract class GroupCommitContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Scopes TestScopes = Scopes.Parse("org=1");

    private SqlDatabase? _db;
    private SqlHighVolumeStore? _store;
    private SqlChangeLog? _log;

    private SqlDatabase Db => _db!;
    private SqlHighVolumeStore Store => _store!;
    private SqlChangeLog Log => _log!;

    /// <summary>A database with <paramref name="options"/>, an HV store and a change log sharing it, schemas applied and empty.</summary>
    private protected abstract Task<(SqlDatabase Db, SqlHighVolumeStore Store, SqlChangeLog Log)> CreateAsync(GroupCommitOptions options);

    /// <summary>Takes a lock outside the store that makes every write to the rows present now (SQLite: every write) wait until disposed.</summary>
    private protected abstract Task<IAsyncDisposable> HoldWritesAsync();

    /// <summary>The change log in use.</summary>
    private protected SqlChangeLog ChangeLog => Log;

    public async Task InitializeAsync() => await UseAsync(GroupCommitOptions.Default);

    /// <summary>Starts the test over on a fresh database with <paramref name="options"/>.</summary>
    private protected async Task UseAsync(GroupCommitOptions options) => (_db, _store, _log) = await CreateAsync(options);

    /// <summary>The committer of the database in use.</summary>
    private protected GroupCommit Committer => Db.Group;

    public Task DisposeAsync() => Task.CompletedTask;

    private protected static ObjectId Id(string key) => new("attachments", TestScopes, key);

    private static ObjectMetadata Meta() => new ObjectMetadata { ContentType = "text/plain", Expiration = ExpirationPolicy.Manual }.StampedAt(Now);

    private protected Task<Tombstone?> Put(string key, byte value, CancellationToken cancellationToken = default) =>
        Store.PutInlineUnlessTombstoneAsync(Id(key), Meta(), new[] { value }, Now, cancellationToken);

    private static ChangeEntry Entry(string key) => new()
    {
        Id = Guid.NewGuid(),
        Object = Id(key),
        NewBlob = Id($"{key}/{Guid.CreateVersion7()}"),
        Owner = "silo-a",
        RecordedAt = Now,
    };

    private protected async Task<byte[]?> Payload(string key)
    {
        var entry = await Store.ReadAsync(Id(key), null, Now, CancellationToken.None);
        return entry.Kind == EntryKind.Inline ? entry.Payload.ToArray() : null;
    }

    private async Task<List<Guid>> ChangeIds()
    {
        var ids = new List<Guid>();
        await foreach (var e in Log.ListAsync(CancellationToken.None)) ids.Add(e.Id);
        return ids;
    }

    private protected static async Task Until(Func<bool> condition, string what)
    {
        // A guard against a hang, not a timing assertion: the condition is reached as soon as the callers are queued.
        for (var waited = 0; !condition(); waited++)
        {
            if (waited > 6000) throw new TimeoutException($"never reached: {what}");
            await Task.Delay(10);
        }
    }

    // Seeds a row per blocker, holds writes, and starts one blocked put per possible round trip, so every statement
    // submitted afterwards queues. Returns the hold and the blocked puts.
    private protected async Task<(IAsyncDisposable Hold, Task<Tombstone?>[] Blocked)> FillRoundTripsAsync(CancellationToken blockedToken = default)
    {
        for (var i = 0; i < Committer.MaxRoundTrips; i++) Assert.Null(await Put($"blocker-{i}", 0));
        var hold = await HoldWritesAsync();
        var before = Committer.RoundTrips;
        var blocked = new Task<Tombstone?>[Committer.MaxRoundTrips];
        // One at a time, so each blocked put is a round trip of its own.
        for (var i = 0; i < blocked.Length; i++)
        {
            blocked[i] = Put($"blocker-{i}", 1, blockedToken);
            await Until(() => Committer.RoundTrips == before + i + 1 && Committer.Queued == 0, $"round trip {i + 1} in flight");
        }
        return (hold, blocked);
    }

    [Fact]
    public async Task Queued_writes_of_every_kind_travel_in_one_round_trip_and_each_gets_its_own_outcome()
    {
        Assert.True(await Store.CompareAndWriteAsync(Id("tomb-put"), null, new TieredWrite.WriteTombstone(new Tombstone(Id("tomb-put/r1"), Meta())), Now, CancellationToken.None));
        Assert.True(await Store.CompareAndWriteAsync(Id("tomb-del"), null, new TieredWrite.WriteTombstone(new Tombstone(Id("tomb-del/r1"), Meta())), Now, CancellationToken.None));
        Assert.Null(await Put("inline-del", 7));
        var removed = Entry("removed");
        await Log.RecordAsync(removed, CancellationToken.None);

        var (hold, blocked) = await FillRoundTripsAsync();
        var before = Committer.RoundTrips;
        var recorded = Entry("recorded");
        var fresh = Enumerable.Range(0, 4).Select(i => Put($"fresh-{i}", (byte)(10 + i))).ToArray();
        var blockedPut = Put("tomb-put", 9);
        var deleteInline = Store.DeleteUnlessTombstoneAsync(Id("inline-del"), Now, CancellationToken.None);
        var deleteTomb = Store.DeleteUnlessTombstoneAsync(Id("tomb-del"), Now, CancellationToken.None);
        var record = Log.RecordAsync(recorded, CancellationToken.None);
        var remove = Log.RemoveAsync(removed.Id, CancellationToken.None);
        await Until(() => Committer.Queued == 9, "nine statements queued");
        await hold.DisposeAsync();

        await Task.WhenAll(blocked);
        foreach (var put in fresh) Assert.Null(await put);
        Assert.Equal(Id("tomb-put/r1"), (await blockedPut)?.Target);
        Assert.Null(await deleteInline);
        Assert.Equal(Id("tomb-del/r1"), (await deleteTomb)?.Target);
        await record;
        await remove;
        Assert.Equal(before + 1, Committer.RoundTrips);

        for (var i = 0; i < 4; i++) Assert.Equal(new[] { (byte)(10 + i) }, await Payload($"fresh-{i}"));
        Assert.Null(await Payload("inline-del"));
        Assert.Equal(Id("tomb-put/r1"), (await Store.ReadRedirectAsync(Id("tomb-put"), CancellationToken.None))?.Target);
        Assert.Equal(Id("tomb-del/r1"), (await Store.ReadRedirectAsync(Id("tomb-del"), CancellationToken.None))?.Target);
        Assert.Equal([recorded.Id], await ChangeIds());
    }

    [Fact]
    public async Task A_failing_statement_fails_only_its_caller_and_the_rest_of_its_group_commits()
    {
        var (hold, blocked) = await FillRoundTripsAsync();
        var first = Log.RecordAsync(Entry("first"), CancellationToken.None);
        // metadata is NOT NULL: this statement fails inside the group.
        var broken = Db.Statement("INSERT INTO hv_objects (id_hash, usecase, scopes, key, kind) VALUES (@h, @h, @h, @h, 0)");
        Db.AddBinary(broken, "h", [1, 2, 3]);
        var failing = Db.ExecuteGroupedAsync(broken, CancellationToken.None);
        var last = Put("after-failure", 5);
        await Until(() => Committer.Queued == 3, "three statements queued");
        await hold.DisposeAsync();

        await Task.WhenAll(blocked);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => failing);
        await first;
        Assert.Null(await last);
        Assert.Single(await ChangeIds());
        Assert.Equal(new byte[] { 5 }, await Payload("after-failure"));
    }

    [Fact]
    public async Task A_cancelled_caller_leaves_the_queue_without_cancelling_the_round_trips_of_others()
    {
        using var inFlight = new CancellationTokenSource();
        using var queued = new CancellationTokenSource();
        var (hold, blocked) = await FillRoundTripsAsync(inFlight.Token);
        var cancelled = Put("cancelled", 1, queued.Token);
        var kept = Put("kept", 2);
        await Until(() => Committer.Queued == 2, "two statements queued");
        queued.Cancel();
        inFlight.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await hold.DisposeAsync();

        // The blocked puts were already travelling when their token fired: they complete.
        foreach (var put in blocked) Assert.Null(await put);
        Assert.Null(await kept);
        Assert.Null(await Payload("cancelled"));
        Assert.Equal(new byte[] { 2 }, await Payload("kept"));
        for (var i = 0; i < Committer.MaxRoundTrips; i++) Assert.Equal(new byte[] { 1 }, await Payload($"blocker-{i}"));
    }

    [Fact]
    public async Task Writes_to_one_key_in_one_group_apply_in_the_order_they_were_submitted()
    {
        var (hold, blocked) = await FillRoundTripsAsync();
        var before = Committer.RoundTrips;
        var writes = Enumerable.Range(1, 5).Select(i => Put("ordered", (byte)i)).ToArray();
        await Until(() => Committer.Queued == 5, "five writes queued");
        await hold.DisposeAsync();

        await Task.WhenAll(blocked);
        foreach (var write in writes) Assert.Null(await write);
        Assert.Equal(before + 1, Committer.RoundTrips);
        Assert.Equal(new byte[] { 5 }, await Payload("ordered"));
    }

    [Fact]
    public async Task With_grouping_off_every_write_is_a_round_trip_of_its_own_even_past_the_in_flight_bound()
    {
        // One group in flight at most: were grouping still on, the second and third write would queue behind the first.
        await UseAsync(new GroupCommitOptions { Enabled = false, InFlight = 1 });
        for (var i = 0; i < 3; i++) Assert.Null(await Put($"blocker-{i}", 0));
        var hold = await HoldWritesAsync();
        var before = Committer.RoundTrips;
        var writes = Enumerable.Range(0, 3).Select(i => Put($"blocker-{i}", 1)).ToArray();
        await Until(() => Committer.RoundTrips == before + 3, "three round trips started");
        Assert.Equal(0, Committer.Queued);
        await hold.DisposeAsync();

        foreach (var write in writes) Assert.Null(await write);
        Assert.Equal(before + 3, Committer.RoundTrips);
        for (var i = 0; i < 3; i++) Assert.Equal(new byte[] { 1 }, await Payload($"blocker-{i}"));
    }

    [Fact]
    public async Task A_write_to_an_idle_committer_goes_at_once_in_a_round_trip_of_its_own()
    {
        var before = Committer.RoundTrips;
        Assert.Null(await Put("alone", 1));
        Assert.Equal(before + 1, Committer.RoundTrips);
    }

    /// <summary>A hold released by running <paramref name="release"/>.</summary>
    private protected sealed class Hold(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
