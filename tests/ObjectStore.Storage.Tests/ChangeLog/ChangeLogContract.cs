using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.ChangeLog;

/// <summary>
/// The behaviour every <see cref="IChangeLog"/> must show. A backend's test class derives from this
/// and creates an initialized, empty log; every test runs against it.
/// </summary>
public abstract class ChangeLogContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    private IChangeLog? _log;

    /// <summary>Creates an initialized change log with no entries.</summary>
    protected abstract Task<IChangeLog> CreateChangeLogAsync();

    /// <summary>Releases what <see cref="CreateChangeLogAsync"/> created.</summary>
    protected virtual Task DisposeChangeLogAsync() => Task.CompletedTask;

    protected IChangeLog Log => _log ?? throw new InvalidOperationException("change log not created");

    public async Task InitializeAsync() => _log = await CreateChangeLogAsync();

    public Task DisposeAsync() => DisposeChangeLogAsync();

    private static ObjectId Id(string key) => new("attachments", Scopes.Parse("org=1"), key);

    private static ChangeEntry Entry(string owner, string key = "k", DateTimeOffset? cleanupAfter = null, DateTimeOffset? recordedAt = null,
        ChangePhase phase = ChangePhase.Recorded) => new()
    {
        Phase = phase,
        Id = Guid.NewGuid(),
        Object = Id(key),
        NewBlob = Id($"{key}/{Guid.CreateVersion7()}"),
        OldBlob = null,
        Owner = owner,
        CleanupAfter = cleanupAfter,
        RecordedAt = recordedAt ?? Now,
    };

    private async Task<List<ChangeEntry>> All()
    {
        var all = new List<ChangeEntry>();
        await foreach (var e in Log.ListAsync(CancellationToken.None)) all.Add(e);
        return all;
    }

    private Task<IReadOnlyList<ChangeEntry>> Claim(string claimant, string[] live, DateTimeOffset? now = null, int limit = 100) =>
        Log.ClaimRecoverableAsync(claimant, live, now ?? Now, ClaimFor, limit, CancellationToken.None);

    [Fact]
    public async Task Initialize_is_idempotent()
    {
        await Log.InitializeAsync(CancellationToken.None);
        await Log.InitializeAsync(CancellationToken.None);
        await Log.RecordAsync(Entry("silo-a"), CancellationToken.None);
        Assert.Single(await All());
    }

    [Fact]
    public async Task Recorded_entry_lists_back_with_every_field()
    {
        var entry = new ChangeEntry
        {
            Id = Guid.NewGuid(),
            Object = new ObjectId("profiles", Scopes.Empty, "emoji 😀/100%/ key"),
            NewBlob = new ObjectId("profiles", Scopes.Empty, "emoji 😀/100%/ key/rev-2"),
            OldBlob = new ObjectId("profiles", Scopes.Empty, "emoji 😀/100%/ key/rev-1"),
            Phase = ChangePhase.Written,
            CleanupAfter = Now + TimeSpan.FromHours(24),
            Owner = "silo-a@1",
            RecordedAt = Now,
        };
        await Log.RecordAsync(entry, CancellationToken.None);
        Assert.Equal(entry, Assert.Single(await All()));
    }

    [Fact]
    public async Task Entry_without_blobs_or_cleanup_delay_round_trips()
    {
        var entry = Entry("silo-a") with { NewBlob = null, Phase = ChangePhase.Assembling };
        await Log.RecordAsync(entry, CancellationToken.None);
        Assert.Equal(entry, Assert.Single(await All()));
    }

    [Fact]
    public async Task Recording_the_same_entry_twice_keeps_one()
    {
        var entry = Entry("silo-a");
        await Log.RecordAsync(entry, CancellationToken.None);
        await Log.RecordAsync(entry, CancellationToken.None);
        Assert.Equal(entry, Assert.Single(await All()));
    }

    [Fact]
    public async Task Update_phase_advances_the_phase_and_keeps_the_delay_unless_given()
    {
        var entry = Entry("silo-a", cleanupAfter: Now + TimeSpan.FromHours(1));
        await Log.RecordAsync(entry, CancellationToken.None);
        await Log.UpdatePhaseAsync(entry.Id, ChangePhase.Written, null, CancellationToken.None);
        Assert.Equal(entry with { Phase = ChangePhase.Written }, Assert.Single(await All()));
        await Log.UpdatePhaseAsync(entry.Id, ChangePhase.Assembling, Now + TimeSpan.FromHours(24), CancellationToken.None);
        Assert.Equal(entry with { Phase = ChangePhase.Assembling, CleanupAfter = Now + TimeSpan.FromHours(24) }, Assert.Single(await All()));
    }

    [Fact]
    public async Task Update_and_remove_of_an_absent_entry_are_harmless()
    {
        await Log.UpdatePhaseAsync(Guid.NewGuid(), ChangePhase.Updated, null, CancellationToken.None);
        await Log.RemoveAsync(Guid.NewGuid(), CancellationToken.None);
        Assert.Empty(await All());
    }

    [Fact]
    public async Task Remove_deletes_only_that_entry()
    {
        var a = Entry("silo-a", "a");
        var b = Entry("silo-a", "b");
        await Log.RecordAsync(a, CancellationToken.None);
        await Log.RecordAsync(b, CancellationToken.None);
        await Log.RemoveAsync(a.Id, CancellationToken.None);
        Assert.Equal(b, Assert.Single(await All()));
    }

    [Fact]
    public async Task Entries_of_a_dead_owner_are_claimed_and_change_owner()
    {
        var entry = Entry("silo-dead");
        await Log.RecordAsync(entry, CancellationToken.None);
        var claimed = Assert.Single(await Claim("silo-b", ["silo-b"]));
        Assert.Equal(entry.Id, claimed.Id);
        Assert.Equal("silo-b", claimed.Owner);
        Assert.Equal(entry.NewBlob, claimed.NewBlob);
        Assert.Equal("silo-b", Assert.Single(await All()).Owner);
    }

    [Fact]
    public async Task Entries_of_a_live_owner_without_delay_are_not_claimed()
    {
        await Log.RecordAsync(Entry("silo-a"), CancellationToken.None);
        Assert.Empty(await Claim("silo-b", ["silo-a", "silo-b"]));
        Assert.Equal("silo-a", Assert.Single(await All()).Owner);
    }

    [Fact]
    public async Task Entries_whose_cleanup_delay_passed_are_claimed_even_from_a_live_owner()
    {
        var due = Entry("silo-a", "due", cleanupAfter: Now - TimeSpan.FromSeconds(1));
        var exactlyNow = Entry("silo-a", "now", cleanupAfter: Now);
        var later = Entry("silo-a", "later", cleanupAfter: Now + TimeSpan.FromSeconds(1));
        foreach (var e in new[] { due, exactlyNow, later }) await Log.RecordAsync(e, CancellationToken.None);
        var claimed = await Claim("silo-b", ["silo-a", "silo-b"]);
        Assert.Equal(new[] { due.Id, exactlyNow.Id }.Order(), claimed.Select(c => c.Id).Order());
    }

    [Theory]
    [InlineData(ChangePhase.Assembling)]
    [InlineData(ChangePhase.Written)]
    public async Task Entries_with_a_pending_cleanup_delay_wait_even_when_the_owner_died(ChangePhase phase)
    {
        // A multipart complete the client may retry, a commit whose outcome is unknown: the delay is what keeps them safe.
        await Log.RecordAsync(Entry("silo-dead", cleanupAfter: Now + TimeSpan.FromHours(24), phase: phase), CancellationToken.None);
        Assert.Empty(await Claim("silo-b", ["silo-b"]));
        Assert.Single(await Claim("silo-b", ["silo-b"], Now + TimeSpan.FromHours(24)));
    }

    [Fact]
    public async Task A_held_large_write_of_a_dead_owner_is_claimed_at_once_and_of_a_live_one_when_its_hold_passed()
    {
        await Log.RecordAsync(Entry("silo-dead", "a", cleanupAfter: Now + TimeSpan.FromHours(1)), CancellationToken.None);
        await Log.RecordAsync(Entry("silo-b", "b", cleanupAfter: Now + TimeSpan.FromHours(1)), CancellationToken.None);

        var recovered = Assert.Single(await Claim("silo-b", ["silo-b"]));
        Assert.Equal("a", recovered.Object.Key);
        await Log.RemoveAsync(recovered.Id, CancellationToken.None);
        Assert.Equal("b", Assert.Single(await Claim("silo-b", ["silo-b"], Now + TimeSpan.FromHours(1))).Object.Key);
    }

    [Fact]
    public async Task Taking_a_recorded_entry_moves_it_once_and_returns_it_as_stored()
    {
        var entry = Entry("silo-a", cleanupAfter: Now + TimeSpan.FromHours(1));
        await Log.RecordAsync(entry, CancellationToken.None);

        var taken = await Log.TakeRecordedAsync(entry.Id, entry.Object, ChangePhase.Written, "silo-b", Now + TimeSpan.FromMinutes(1), CancellationToken.None);
        var again = await Log.TakeRecordedAsync(entry.Id, entry.Object, ChangePhase.Lost, "silo-c", Now, CancellationToken.None);

        Assert.Equal(entry with { Phase = ChangePhase.Written, Owner = "silo-b", CleanupAfter = Now + TimeSpan.FromMinutes(1) }, taken);
        Assert.Null(again);
        Assert.Equal(taken, Assert.Single(await All()));
        // Taken for a commit by a live owner, the entry now waits for its delay even though the one that began it died.
        Assert.Empty(await Claim("silo-b", ["silo-b"]));
    }

    [Fact]
    public async Task An_entry_claimed_by_recovery_or_of_another_object_or_absent_cannot_be_taken()
    {
        var claimed = Entry("silo-dead", "claimed");
        var other = Entry("silo-a", "other");
        await Log.RecordAsync(claimed, CancellationToken.None);
        await Log.RecordAsync(other, CancellationToken.None);
        Assert.Single(await Claim("silo-a", ["silo-a"]));

        Assert.Null(await Log.TakeRecordedAsync(claimed.Id, claimed.Object, ChangePhase.Written, "silo-a", Now, CancellationToken.None));
        // Still not after the claim lapsed: a recoverer may already have deleted the revision.
        Assert.Null(await Log.TakeRecordedAsync(claimed.Id, claimed.Object, ChangePhase.Written, "silo-a", Now + ClaimFor + TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Null(await Log.TakeRecordedAsync(other.Id, claimed.Object, ChangePhase.Written, "silo-a", Now, CancellationToken.None));
        Assert.Null(await Log.TakeRecordedAsync(Guid.NewGuid(), other.Object, ChangePhase.Written, "silo-a", Now, CancellationToken.None));
        Assert.Equal(ChangePhase.Recorded, (await All()).Single(e => e.Id == other.Id).Phase);
    }

    [Fact]
    public async Task A_recorded_entry_is_taken_by_exactly_one_of_concurrent_takers()
    {
        var entry = Entry("silo-a");
        await Log.RecordAsync(entry, CancellationToken.None);

        var takers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            Log.TakeRecordedAsync(entry.Id, entry.Object, i % 2 == 0 ? ChangePhase.Written : ChangePhase.Lost, $"silo-{i}", Now, CancellationToken.None))));

        Assert.Single(takers, t => t is not null);
    }

    [Fact]
    public async Task A_claim_excludes_other_claimants_until_it_expires()
    {
        var entry = Entry("silo-a", cleanupAfter: Now - TimeSpan.FromMinutes(1));
        await Log.RecordAsync(entry, CancellationToken.None);
        Assert.Single(await Claim("silo-b", ["silo-b", "silo-c"]));
        Assert.Empty(await Claim("silo-c", ["silo-c"], Now + ClaimFor - TimeSpan.FromSeconds(1)));
        var reclaimed = Assert.Single(await Claim("silo-c", ["silo-c"], Now + ClaimFor));
        Assert.Equal("silo-c", reclaimed.Owner);
    }

    [Fact]
    public async Task A_claimant_that_dies_hands_its_entries_to_the_next_claimant_after_the_claim()
    {
        await Log.RecordAsync(Entry("silo-a"), CancellationToken.None);
        Assert.Single(await Claim("silo-b", ["silo-b"]));
        // silo-b lives: its claimed entry is its own now.
        Assert.Empty(await Claim("silo-c", ["silo-b", "silo-c"], Now + TimeSpan.FromHours(1)));
        // silo-b dies mid-recovery: once its claim lapses the entry is recoverable again.
        Assert.Empty(await Claim("silo-c", ["silo-c"], Now + TimeSpan.FromMinutes(1)));
        Assert.Single(await Claim("silo-c", ["silo-c"], Now + TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Claims_respect_the_limit_and_take_the_oldest_first()
    {
        var entries = Enumerable.Range(0, 5).Select(i => Entry("silo-dead", $"k{i}", recordedAt: Now - TimeSpan.FromMinutes(10 - i))).ToArray();
        foreach (var e in entries.Reverse()) await Log.RecordAsync(e, CancellationToken.None);
        var first = await Claim("silo-b", [], limit: 2);
        Assert.Equal(entries.Take(2).Select(e => e.Id), first.Select(e => e.Id));
        var rest = await Claim("silo-b", [], limit: 10);
        Assert.Equal(entries.Skip(2).Select(e => e.Id), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task List_returns_entries_oldest_first()
    {
        var older = Entry("silo-a", "older", recordedAt: Now - TimeSpan.FromHours(1));
        var newer = Entry("silo-a", "newer", recordedAt: Now);
        await Log.RecordAsync(newer, CancellationToken.None);
        await Log.RecordAsync(older, CancellationToken.None);
        Assert.Equal([older.Id, newer.Id], (await All()).Select(e => e.Id));
    }

    [Fact]
    public async Task Concurrent_claimants_never_claim_the_same_entry()
    {
        const int count = 300;
        var entries = Enumerable.Range(0, count).Select(i => Entry("silo-dead", $"k{i}", recordedAt: Now - TimeSpan.FromSeconds(i))).ToArray();
        foreach (var e in entries) await Log.RecordAsync(e, CancellationToken.None);

        var claimants = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            for (var round = 0; round < count; round++)
            {
                var batch = await Claim($"silo-{c}", [], limit: 7);
                if (batch.Count == 0) break;
                mine.AddRange(batch.Select(b => b.Id));
            }
            return mine;
        })).ToArray();
        var claimed = (await Task.WhenAll(claimants)).SelectMany(m => m).ToList();

        Assert.Equal(count, claimed.Count);
        Assert.Equal(entries.Select(e => e.Id).Order(), claimed.Order());
    }
}
