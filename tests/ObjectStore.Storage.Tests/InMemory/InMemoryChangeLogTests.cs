using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.InMemory;

public sealed class InMemoryChangeLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(5);
    private readonly InMemoryChangeLog _log = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private static ChangeEntry Entry(string owner, DateTimeOffset? cleanupAfter = null) => new()
    {
        Id = Guid.CreateVersion7(),
        Object = new ObjectId("u", Scopes.Empty, "k"),
        NewBlob = new ObjectId("u", Scopes.Empty, "k/1"),
        Owner = owner,
        RecordedAt = Now,
        CleanupAfter = cleanupAfter,
    };

    private async Task<List<ChangeEntry>> All()
    {
        var all = new List<ChangeEntry>();
        await foreach (var e in _log.ListAsync(_ct)) all.Add(e);
        return all;
    }

    [Fact]
    public async Task Entries_are_recorded_once_updated_and_removed()
    {
        var e = Entry("a");
        await _log.RecordAsync(e, _ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _log.RecordAsync(e, _ct));
        await _log.UpdatePhaseAsync(e.Id, ChangePhase.Written, Now.AddHours(1), _ct);
        var stored = Assert.Single(await All());
        Assert.Equal(e with { Phase = ChangePhase.Written, CleanupAfter = Now.AddHours(1) }, stored);
        await _log.RemoveAsync(e.Id, _ct);
        await _log.RemoveAsync(e.Id, _ct);
        Assert.Empty(await All());
    }

    [Fact]
    public async Task Only_entries_of_dead_owners_or_past_their_hold_are_claimed_and_only_once()
    {
        var live = Entry("live");
        var dead = Entry("dead");
        var held = Entry("dead", Now.AddHours(1));
        var due = Entry("live", Now.AddMinutes(-1));
        foreach (var e in new[] { live, dead, held, due }) await _log.RecordAsync(e, _ct);

        var claimed = await _log.ClaimRecoverableAsync("me", ["live", "me"], Now, Claim, 10, _ct);
        Assert.Equal(new[] { dead.Id, due.Id }.Order(), claimed.Select(c => c.Id).Order());
        Assert.All(claimed, c => Assert.Equal("me", c.Owner));
        Assert.Empty(await _log.ClaimRecoverableAsync("other", ["live"], Now.AddMinutes(1), Claim, 10, _ct));

        var again = await _log.ClaimRecoverableAsync("other", ["live", "me", "other"], Now.AddMinutes(6), Claim, 10, _ct);
        Assert.Equal(new[] { dead.Id, due.Id }.Order(), again.Select(c => c.Id).Order());
        var afterHold = await _log.ClaimRecoverableAsync("other", ["live", "me", "other"], Now.AddHours(2), Claim, 1, _ct);
        Assert.Single(afterHold);
    }
}
