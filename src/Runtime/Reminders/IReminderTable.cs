namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// Durable reminder rows (SQLite in the embedded default, PostgreSQL in a cluster; in-memory for
/// tests) with an index on <c>next_due</c>. Due rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>
/// (a claim lease), so each tick is delivered by one silo at a time; a tick whose claimant died is
/// claimed again after the lease (at-least-once). Acknowledging advances <c>next_due</c> past now by
/// whole periods (missed ticks are skipped, not replayed).
/// </summary>
public interface IReminderTable
{
    /// <summary>Creates or migrates the schema. Idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Registers or replaces a reminder; the first tick is due at <paramref name="firstDue"/>.</summary>
    Task UpsertAsync(string grainType, string grainKey, string name, DateTimeOffset firstDue, TimeSpan period, CancellationToken cancellationToken);

    /// <summary>Removes a reminder; absent is fine.</summary>
    Task DeleteAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken);

    /// <summary>The reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderEntry>> ListAsync(string grainType, string grainKey, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="limit"/> due, unclaimed (or lapsed-claim) ticks for <paramref name="claimFor"/>.</summary>
    Task<IReadOnlyList<ReminderTick>> ClaimDueAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken);

    /// <summary>Acknowledges a delivered tick: advances <c>next_due</c> and clears the claim if the claim token still matches.</summary>
    Task AcknowledgeAsync(ReminderTick tick, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Earliest <c>next_due</c> of any reminder, for sleeping until then (null when none).</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);
}
