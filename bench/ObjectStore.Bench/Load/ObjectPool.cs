namespace ObjectStore.Bench.Load;

/// <summary>
/// The objects written so far, oldest first. A Zipf read takes its object out of play while it runs (no delete
/// or other Zipf read can pick it) and gives it back after; a delete removes it for good. Hot reads share the
/// first <see cref="LoadSpec.HotKeys"/> objects and only keep deletes off them.
/// </summary>
internal sealed class ObjectPool
{
    private const int Attempts = 8;

    private readonly List<Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Objects currently held (busy ones included).</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>Adds a newly written object (the newest).</summary>
    public void Add(StoredObject stored)
    {
        lock (_lock) _entries.Add(new Entry(stored));
    }

    /// <summary>Picks an object to read (marked busy until <see cref="Release"/>), or null when none is free.</summary>
    public Lease? TakeForRead(Rng rng, ReadPattern pattern, int hotKeys)
    {
        lock (_lock)
        {
            if (_entries.Count == 0) return null;
            if (pattern == ReadPattern.Hot)
            {
                var entry = _entries[rng.Next(Math.Min(hotKeys, _entries.Count))];
                entry.Readers++;
                return new Lease(entry);
            }
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var entry = _entries[_entries.Count - ZipfSampler.Sample(rng, _entries.Count)];
                if (entry.Readers > 0) continue;
                entry.Readers++;
                return new Lease(entry);
            }
            return null;
        }
    }

    /// <summary>Gives a read object back.</summary>
    public void Release(Lease lease)
    {
        lock (_lock) lease.Entry.Readers--;
    }

    /// <summary>Removes and returns an object to delete (Zipf from the newest, never one being read), or null when none is free.</summary>
    public StoredObject? TakeForDelete(Rng rng)
    {
        lock (_lock)
        {
            for (var attempt = 0; attempt < Attempts && _entries.Count > 0; attempt++)
            {
                var index = _entries.Count - ZipfSampler.Sample(rng, _entries.Count);
                if (_entries[index].Readers > 0) continue;
                var stored = _entries[index].Object;
                _entries.RemoveAt(index);
                return stored;
            }
            return null;
        }
    }

    /// <summary>Removes and returns everything (for cleanup).</summary>
    public IReadOnlyList<StoredObject> Drain()
    {
        lock (_lock)
        {
            var all = _entries.Select(e => e.Object).ToList();
            _entries.Clear();
            return all;
        }
    }

    /// <summary>An object handed out for reading.</summary>
    internal readonly record struct Lease(Entry Entry)
    {
        public StoredObject Object => Entry.Object;
    }

    internal sealed class Entry(StoredObject stored)
    {
        public StoredObject Object { get; } = stored;
        public int Readers { get; set; }
    }
}
