using System.Runtime.CompilerServices;

namespace ObjectStore.Storage.ChangeLog;

/// <summary>
/// An <see cref="IChangeLog"/> in process memory, for tests (durable only as long as the object lives,
/// which is what a simulated crash needs: the log survives, the process state does not).
/// Claim rule (as the SQL log): an entry is recoverable when it is not under a claim still in force and
/// either its cleanup delay passed, or its owner is not live and it has no delay or is still Recorded. A claim makes the claimant
/// the owner, so a claimant that dies hands its entries on once its claim lapsed; a live one keeps them.
/// Recording an entry again (a retry after a lost response) keeps the stored one.
/// </summary>
public sealed class InMemoryChangeLog : IChangeLog
{
    private readonly Dictionary<Guid, Slot> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>Number of entries (tests).</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task RecordAsync(ChangeEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _entries.TryAdd(entry.Id, new Slot(entry, null));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>An absent entry (already cleaned up) is left absent.</remarks>
    public Task UpdatePhaseAsync(Guid id, ChangePhase phase, DateTimeOffset? cleanupAfter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var slot))
                _entries[id] = slot with { Entry = slot.Entry with { Phase = phase, CleanupAfter = cleanupAfter ?? slot.Entry.CleanupAfter } };
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ChangeEntry?> TakeRecordedAsync(Guid id, Objects.ObjectId obj, ChangePhase phase, string owner, DateTimeOffset cleanupAfter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var slot) || slot.ClaimedUntil is not null
                || slot.Entry.Phase != ChangePhase.Recorded || slot.Entry.Object != obj)
                return Task.FromResult<ChangeEntry?>(null);
            var taken = slot.Entry with { Phase = phase, Owner = owner, CleanupAfter = cleanupAfter };
            _entries[id] = slot with { Entry = taken };
            return Task.FromResult<ChangeEntry?>(taken);
        }
    }

    /// <inheritdoc />
    public Task RemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate) _entries.Remove(id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChangeEntry>> ClaimRecoverableAsync(string claimant, IReadOnlyCollection<string> liveOwners, DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(claimant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var claimed = _entries.Values
                .Where(s => IsRecoverable(s, liveOwners, now))
                .OrderBy(s => s.Entry.RecordedAt)
                .Take(limit)
                .Select(s => s.Entry with { Owner = claimant })
                .ToList();
            foreach (var e in claimed) _entries[e.Id] = new Slot(e, now + claimFor);
            return Task.FromResult<IReadOnlyList<ChangeEntry>>(claimed);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChangeEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<ChangeEntry> snapshot;
        lock (_gate) snapshot = _entries.Values.Select(s => s.Entry).OrderBy(e => e.RecordedAt).ToList();
        foreach (var e in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static bool IsRecoverable(Slot slot, IReadOnlyCollection<string> liveOwners, DateTimeOffset now)
    {
        if (slot.ClaimedUntil is { } until && until > now) return false;
        if (slot.Entry.CleanupAfter is { } after && after <= now) return true;
        return (slot.Entry.CleanupAfter is null || slot.Entry.Phase == ChangePhase.Recorded) && !liveOwners.Contains(slot.Entry.Owner);
    }

    private sealed record Slot(ChangeEntry Entry, DateTimeOffset? ClaimedUntil);
}
