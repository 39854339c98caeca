using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>What an HV read found.</summary>
public enum EntryKind
{
    /// <summary>No live row (absent or expired).</summary>
    NotFound,
    /// <summary>An inline object: metadata and payload in HV.</summary>
    Inline,
    /// <summary>A redirect tombstone: the payload lives in LT.</summary>
    Tombstone,
}

/// <summary>The result of an HV read: an inline object, a redirect tombstone, or nothing.</summary>
public sealed class HighVolumeEntry
{
    private HighVolumeEntry(EntryKind kind, ObjectMetadata? metadata, ReadOnlyMemory<byte> payload, ContentRange? range, Tombstone? tombstone)
    {
        Kind = kind;
        Metadata = metadata;
        Payload = payload;
        Range = range;
        Tombstone = tombstone;
    }

    /// <summary>The shared "not found" result.</summary>
    public static readonly HighVolumeEntry NotFound = new(EntryKind.NotFound, null, default, null, null);

    /// <summary>An inline object; <paramref name="payload"/> is the requested range (or all) of the stored bytes.</summary>
    public static HighVolumeEntry Inline(ObjectMetadata metadata, ReadOnlyMemory<byte> payload, ContentRange? range = null) =>
        new(EntryKind.Inline, metadata, payload, range, null);

    /// <summary>A redirect tombstone.</summary>
    public static HighVolumeEntry Redirect(Tombstone tombstone) =>
        new(EntryKind.Tombstone, tombstone.Metadata, default, null, tombstone);

    /// <summary>Which of the three it is.</summary>
    public EntryKind Kind { get; }

    /// <summary>Metadata of an inline object or of the tombstone's LT object; null when not found.</summary>
    public ObjectMetadata? Metadata { get; }

    /// <summary>Inline payload (the requested range of it); empty for metadata reads and tombstones.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The resolved range when a satisfiable range was requested on an inline object.</summary>
    public ContentRange? Range { get; }

    /// <summary>The tombstone when <see cref="Kind"/> is <see cref="EntryKind.Tombstone"/>.</summary>
    public Tombstone? Tombstone { get; }
}
