using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Caching;

/// <summary>
/// The per-silo byte budget of the object grains' cached HV rows: one least-recently-used list over every
/// activation's entry. Admitting beyond the budget evicts the coldest entries; an evicted entry drops its row at
/// once (the owning activation sees a miss on its next read), so memory stays bounded by the budget, not by the
/// number of activations. Thread-safe; the activations call it from their turns, eviction happens on any of them.
/// </summary>
public sealed class ObjectCache
{
    /// <summary>Per-entry overhead charged besides payload and metadata strings (object headers, list node).</summary>
    internal const int EntryOverhead = 256;

    private readonly LinkedList<CacheEntry> _lru = new();
    private readonly Lock _gate = new();
    private long _used;

    /// <summary>A cache of <paramref name="budgetBytes"/> bytes; 0 disables caching.</summary>
    public ObjectCache(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        Budget = budgetBytes;
    }

    /// <summary>The budget in bytes.</summary>
    public long Budget { get; }

    /// <summary>Bytes charged by the entries currently cached.</summary>
    public long Used
    {
        get { lock (_gate) return _used; }
    }

    /// <summary>Number of entries currently cached.</summary>
    public int Count
    {
        get { lock (_gate) return _lru.Count; }
    }

    /// <summary>Evictions so far (tests and metrics).</summary>
    public long Evictions { get; private set; }

    /// <summary>Caches <paramref name="row"/> (evicting colder entries as needed); null when it alone exceeds the budget.</summary>
    internal CacheEntry? Admit(CachedRow row)
    {
        var bytes = Charge(row);
        if (bytes > Budget) return null;
        var entry = new CacheEntry(row, bytes);
        lock (_gate)
        {
            while (_used + bytes > Budget && _lru.Last is { } coldest) EvictLocked(coldest.Value);
            entry.Node = _lru.AddFirst(entry);
            _used += bytes;
        }
        return entry;
    }

    /// <summary>The entry's row (marking it recently used), or null once evicted.</summary>
    internal CachedRow? Touch(CacheEntry entry)
    {
        lock (_gate)
        {
            if (entry.Node is not { } node) return null;
            _lru.Remove(node);
            _lru.AddFirst(node);
            return entry.Row;
        }
    }

    /// <summary>Replaces the entry's row by one of the same size (a TTI bump moved its deadline); false once evicted.</summary>
    internal bool Update(CacheEntry entry, CachedRow row)
    {
        lock (_gate)
        {
            if (entry.Node is null) return false;
            entry.Row = row;
            return true;
        }
    }

    /// <summary>Removes the entry (a write replaced it or its activation left); evicted entries are fine.</summary>
    internal void Release(CacheEntry entry)
    {
        lock (_gate)
        {
            if (entry.Node is null) return;
            Drop(entry);
        }
    }

    private void EvictLocked(CacheEntry entry)
    {
        Drop(entry);
        Evictions++;
        GrainMetrics.CacheEvictions.Add(1);
    }

    private void Drop(CacheEntry entry)
    {
        _lru.Remove(entry.Node!);
        entry.Node = null;
        entry.Row = null;
        _used -= entry.Bytes;
    }

    private static long Charge(CachedRow row)
    {
        var m = row.Metadata;
        long strings = m.ContentType.Length + (m.Compression?.Length ?? 0) + (m.Origin?.Length ?? 0) + (m.Filename?.Length ?? 0);
        foreach (var (k, v) in m.Custom) strings += k.Length + v.Length + 32;
        return EntryOverhead + row.Payload.Length + 2 * strings;
    }
}

/// <summary>One key's cached HV row: inline metadata and the whole payload, or a tombstone's metadata and target.</summary>
/// <param name="Metadata">The stored metadata; <see cref="ObjectMetadata.TimeExpires"/> follows the TTI bumps done through the grain.</param>
/// <param name="Target">The tombstone's LT revision; null for inline rows.</param>
/// <param name="Payload">The whole inline payload (empty for tombstones).</param>
internal sealed record CachedRow(ObjectMetadata Metadata, ObjectId? Target, ReadOnlyMemory<byte> Payload);

/// <summary>An activation's handle on its cached row; the row becomes null when the cache evicts it.</summary>
internal sealed class CacheEntry(CachedRow row, long bytes)
{
    public CachedRow? Row = row;
    public readonly long Bytes = bytes;
    public LinkedListNode<CacheEntry>? Node;
}
