namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// An <see cref="IReminderTable"/> in process memory, for tests and single-process runs that need no
/// durability. One lock guards every row, which gives the same claim-once guarantee the SQL tables get
/// from row locks.
/// </summary>
public sealed class InMemoryReminderTable : IReminderTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string GrainType, string GrainKey, string Name), Row> _rows = new();

    private sealed class Row(string grainType, string grainKey, string name, TimeSpan period, DateTimeOffset nextDue)
    {
        public string GrainType { get; } = grainType;
        public string GrainKey { get; } = grainKey;
        public string Name { get; } = name;
        public TimeSpan Period { get; set; } = period;
        public DateTimeOffset NextDue { get; set; } = nextDue;
        public Guid? ClaimToken { get; set; }
        public DateTimeOffset? ClaimedUntil { get; set; }
    }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task UpsertAsync(string grainType, string grainKey, string name, DateTimeOffset firstDue, TimeSpan period, CancellationToken cancellationToken)
    {
        ReminderSchedule.Validate(grainType, grainKey, name, firstDue, period);
        cancellationToken.ThrowIfCancellationRequested();
        period = ReminderSchedule.FromMicroseconds(ReminderSchedule.ToMicroseconds(period));
        lock (_gate)
            _rows[(grainType, grainKey, name)] = new Row(grainType, grainKey, name, period, ReminderSchedule.Normalize(firstDue));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
            _rows.Remove((grainType, grainKey, name));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReminderEntry>> ListAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<ReminderEntry> list = _rows.Values
                .Where(r => r.GrainType == grainType && r.GrainKey == grainKey)
                .OrderBy(r => r.Name, StringComparer.Ordinal)
                .Select(r => new ReminderEntry(r.GrainType, r.GrainKey, r.Name, r.Period, r.NextDue))
                .ToArray();
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReminderTick>> ClaimDueAsync(DateTimeOffset now, TimeSpan claimFor, int limit, CancellationToken cancellationToken)
    {
        ReminderSchedule.ValidateClaim(claimFor, limit);
        cancellationToken.ThrowIfCancellationRequested();
        now = ReminderSchedule.Normalize(now);
        var until = ReminderSchedule.Normalize(now + claimFor);
        lock (_gate)
        {
            var due = _rows.Values
                .Where(r => r.NextDue <= now && (r.ClaimedUntil is null || r.ClaimedUntil < now))
                .OrderBy(r => r.NextDue)
                .Take(limit)
                .ToArray();
            var ticks = new ReminderTick[due.Length];
            for (var i = 0; i < due.Length; i++)
            {
                var row = due[i];
                row.ClaimToken = Guid.NewGuid();
                row.ClaimedUntil = until;
                ticks[i] = new ReminderTick(row.GrainType, row.GrainKey, row.Name, row.NextDue, row.Period, row.ClaimToken.Value);
            }
            return Task.FromResult<IReadOnlyList<ReminderTick>>(ticks);
        }
    }

    /// <inheritdoc/>
    public Task AcknowledgeAsync(ReminderTick tick, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tick);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // A token mismatch means the claim lapsed and someone else owns the tick now (or the
            // reminder was replaced): this acknowledgement is stale and must change nothing.
            if (!_rows.TryGetValue((tick.GrainType, tick.GrainKey, tick.Name), out var row) || row.ClaimToken != tick.ClaimToken)
                return Task.CompletedTask;
            row.NextDue = ReminderSchedule.NextDueAfter(row.NextDue, row.Period, now);
            row.ClaimToken = null;
            row.ClaimedUntil = null;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>A claimed row counts from its claim's end, so a loop sleeping on this never spins on ticks another silo holds.</remarks>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            DateTimeOffset? earliest = null;
            foreach (var row in _rows.Values)
            {
                var at = row.ClaimedUntil ?? row.NextDue;
                if (earliest is null || at < earliest) earliest = at;
            }
            return Task.FromResult(earliest);
        }
    }
}
