using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>What <see cref="IObjectGrain.Get"/> found.</summary>
public enum ObjectReadKind
{
    /// <summary>Absent or expired.</summary>
    NotFound,
    /// <summary>Stored inline: the bytes (or the requested range of them) are in <see cref="ObjectRead.Payload"/>.</summary>
    Inline,
    /// <summary>Stored in LT: stream <see cref="ObjectRead.Revision"/> (with the range) from the long-term store; a missing blob reads as not found.</summary>
    Redirect,
}

/// <summary>The answer of <see cref="IObjectGrain.Get"/>; treat the payload as immutable.</summary>
public sealed class ObjectRead
{
    private ObjectRead(ObjectReadKind kind, ObjectMetadata? metadata, ReadOnlyMemory<byte> payload, ContentRange? range, ObjectId? revision)
    {
        Kind = kind;
        Metadata = metadata;
        Payload = payload;
        Range = range;
        Revision = revision;
    }

    /// <summary>The shared "not found" answer.</summary>
    public static readonly ObjectRead NotFound = new(ObjectReadKind.NotFound, null, default, null, null);

    /// <summary>An inline object; <paramref name="payload"/> is the resolved range, or everything when no satisfiable range was asked for.</summary>
    public static ObjectRead Inline(ObjectMetadata metadata, ReadOnlyMemory<byte> payload, ContentRange? range) =>
        new(ObjectReadKind.Inline, metadata, payload, range, null);

    /// <summary>An LT object at <paramref name="revision"/>.</summary>
    public static ObjectRead Redirect(ObjectMetadata metadata, ObjectId revision) =>
        new(ObjectReadKind.Redirect, metadata, default, null, revision);

    /// <summary>Which of the three it is.</summary>
    public ObjectReadKind Kind { get; }

    /// <summary>The stored metadata (before any TTI bump this read caused); null when not found.</summary>
    public ObjectMetadata? Metadata { get; }

    /// <summary>Inline bytes: the resolved range, or all of them.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The resolved range of an inline read when a satisfiable range was requested; null otherwise (as HV answers).</summary>
    public ContentRange? Range { get; }

    /// <summary>The LT revision of a redirect.</summary>
    public ObjectId? Revision { get; }
}
