using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>
/// An <see cref="IHighVolumeStore"/> in process memory, for tests: one lock makes every conditional
/// operation atomic, payloads are copied in (so callers may reuse pooled buffers) and rows are immutable, so reads share them.
/// It follows the SQL stores' contract: inline rows carry their payload size, an unsatisfiable range on an
/// inline object yields an empty payload and a null range, and CAS idempotency uses the redirect-state rule.
/// </summary>
public sealed class InMemoryHighVolumeStore : IHighVolumeStore
{
    private readonly Dictionary<ObjectId, Row> _rows = [];
    private readonly Lock _gate = new();

    /// <summary>Number of physical rows, expired ones included (tests).</summary>
    public int Count
    {
        get { lock (_gate) return _rows.Count; }
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<HighVolumeEntry> ReadAsync(ObjectId id, ByteRange? range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (Live(id, now) is not { } row) return Task.FromResult(HighVolumeEntry.NotFound);
            if (row.Tombstone is { } t) return Task.FromResult(HighVolumeEntry.Redirect(t));
            if (range is not { } r) return Task.FromResult(HighVolumeEntry.Inline(row.Metadata, row.Payload));
            if (r.Resolve(row.Payload.Length) is not { } resolved) return Task.FromResult(HighVolumeEntry.Inline(row.Metadata, ReadOnlyMemory<byte>.Empty));
            var slice = row.Payload.AsMemory((int)resolved.Start, (int)resolved.Length);
            return Task.FromResult(HighVolumeEntry.Inline(row.Metadata, slice, resolved));
        }
    }

    /// <inheritdoc />
    public Task<HighVolumeEntry> ReadMetadataAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(Live(id, now) switch
            {
                null => HighVolumeEntry.NotFound,
                { Tombstone: { } t } => HighVolumeEntry.Redirect(t),
                var row => HighVolumeEntry.Inline(row.Metadata, ReadOnlyMemory<byte>.Empty),
            });
        }
    }

    /// <inheritdoc />
    public Task<Tombstone?> ReadRedirectAsync(ObjectId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate) return Task.FromResult(_rows.GetValueOrDefault(id)?.Tombstone);
    }

    /// <inheritdoc />
    public Task<Tombstone?> PutInlineUnlessTombstoneAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_rows.GetValueOrDefault(id)?.Tombstone is { } t) return Task.FromResult<Tombstone?>(t);
            _rows[id] = Row.Inline(metadata, payload);
            return Task.FromResult<Tombstone?>(null);
        }
    }

    /// <inheritdoc />
    public Task<Tombstone?> DeleteUnlessTombstoneAsync(ObjectId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_rows.GetValueOrDefault(id)?.Tombstone is { } t) return Task.FromResult<Tombstone?>(t);
            _rows.Remove(id);
            return Task.FromResult<Tombstone?>(null);
        }
    }

    /// <inheritdoc />
    public Task<bool> CompareAndWriteAsync(ObjectId id, ObjectId? expectedTarget, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var current = _rows.GetValueOrDefault(id);
            if (!MatchesRedirect(current, expectedTarget))
                return Task.FromResult(MatchesRedirect(current, write.Target));
            switch (write)
            {
                case TieredWrite.WriteTombstone w: _rows[id] = Row.Redirect(w.Tombstone); break;
                case TieredWrite.WriteInline w: _rows[id] = Row.Inline(w.Metadata, w.Payload); break;
                default: _rows.Remove(id); break;
            }
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<ExpiryOutcome> ExtendExpiryAsync(ObjectId id, ObjectId? expectedTarget, ExpiryExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extension);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (Live(id, now) is not { } row) return Task.FromResult(ExpiryOutcome.NotFound);
            if (!MatchesRedirect(row, expectedTarget)) return Task.FromResult(ExpiryOutcome.Conflict);
            var decision = extension.Decide(row.Metadata, now);
            if (decision.Outcome != ExpiryOutcome.Extended) return Task.FromResult(decision.Outcome);
            var extended = row.Metadata with { Expiration = decision.Policy, TimeExpires = decision.Deadline };
            _rows[id] = row.Tombstone is { } t ? Row.Redirect(t with { Metadata = extended }) : row with { Metadata = extended };
            return Task.FromResult(ExpiryOutcome.Extended);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpiredRow>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<ExpiredRow> expired = _rows
                .Where(kv => kv.Value.Metadata.IsExpired(now))
                .OrderBy(kv => kv.Value.Metadata.TimeExpires)
                .Take(limit)
                .Select(kv => new ExpiredRow(kv.Key, kv.Value.Tombstone?.Target, kv.Value.Metadata.TimeExpires!.Value))
                .ToList();
            return Task.FromResult(expired);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteIfExpiredAsync(ObjectId id, ObjectId? expectedTarget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_rows.TryGetValue(id, out var row)) return Task.FromResult(true);
            if (!row.Metadata.IsExpired(now) || row.Tombstone?.Target != expectedTarget) return Task.FromResult(false);
            _rows.Remove(id);
            return Task.FromResult(true);
        }
    }

    private Row? Live(ObjectId id, DateTimeOffset now) =>
        _rows.TryGetValue(id, out var row) && !row.Metadata.IsExpired(now) ? row : null;

    // The redirect-state rule: no target matches anything but a tombstone; a target matches only a
    // tombstone pointing exactly there (a retried CAS finds the state its first attempt produced).
    private static bool MatchesRedirect(Row? row, ObjectId? expected) =>
        row?.Tombstone is { } t ? t.Target.Equals(expected) : expected is null;

    private sealed record Row(ObjectMetadata Metadata, byte[] Payload, Tombstone? Tombstone)
    {
        public static Row Inline(ObjectMetadata metadata, ReadOnlyMemory<byte> payload) => new(metadata with { Size = payload.Length }, payload.ToArray(), null);

        public static Row Redirect(Tombstone tombstone) => new(tombstone.Metadata, [], tombstone);
    }
}
