namespace ObjectStore.Grains.Objects;

/// <summary>What <see cref="IObjectGrain.Get"/> found.</summary>
[GenerateSerializer, Alias("objectstore.ObjectReadKind")]
public enum ObjectReadKind
{
    /// <summary>Absent or expired.</summary>
    NotFound,
    /// <summary>Stored inline: the bytes (or the requested range of them) are in <see cref="ObjectRead.Payload"/>.</summary>
    Inline,
    /// <summary>Stored in the long-term tier at <see cref="ObjectRead.RevisionKey"/>: read it over HTTP (the gateway streams it).</summary>
    LongTerm,
}

/// <summary>The answer of <see cref="IObjectGrain.Get"/>; the payload is shared, never copied: treat it as immutable.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.ObjectRead")]
public sealed record ObjectRead
{
    /// <summary>The shared "not found" answer.</summary>
    public static readonly ObjectRead NotFound = new() { Kind = ObjectReadKind.NotFound };

    /// <summary>Which of the three it is.</summary>
    [Id(0)] public ObjectReadKind Kind { get; init; }

    /// <summary>The stored metadata (before any TTI bump this read caused); null when not found.</summary>
    [Id(1)] public ObjectInfo? Metadata { get; init; }

    /// <summary>Inline bytes: the resolved range, or all of them.</summary>
    [Id(2)] public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The resolved range of an inline read when a satisfiable range was requested; null otherwise.</summary>
    [Id(3)] public ResolvedRange? Range { get; init; }

    /// <summary>The key of the long-term revision blob (same usecase and scopes) of a <see cref="ObjectReadKind.LongTerm"/> answer.</summary>
    [Id(4)] public string? RevisionKey { get; init; }
}

/// <summary>A requested byte range: <c>bytes=Start-End</c>, <c>bytes=Start-</c> (no End) or <c>bytes=-SuffixLength</c>.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.ReadRange")]
public readonly record struct ReadRange
{
    /// <summary>First byte of a bounded or open range.</summary>
    [Id(0)] public long? Start { get; init; }

    /// <summary>Last byte (inclusive) of a bounded range.</summary>
    [Id(1)] public long? End { get; init; }

    /// <summary>Length of a suffix range.</summary>
    [Id(2)] public long? SuffixLength { get; init; }
}

/// <summary>A resolved range: bytes <see cref="Start"/>..<see cref="End"/> (inclusive) of <see cref="Total"/>.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.ResolvedRange")]
public readonly record struct ResolvedRange
{
    /// <summary>First byte.</summary>
    [Id(0)] public long Start { get; init; }

    /// <summary>Last byte, inclusive.</summary>
    [Id(1)] public long End { get; init; }

    /// <summary>The object's size.</summary>
    [Id(2)] public long Total { get; init; }
}
