namespace ObjectStore.Grains.Objects;

/// <summary>
/// Everything stored with an object besides its bytes (objectstore's metadata). On writes only the caller's fields
/// count (<see cref="ContentType"/>, <see cref="Compression"/>, <see cref="Expiration"/>, <see cref="Origin"/>,
/// <see cref="Filename"/>, <see cref="Custom"/>); the store stamps the times and the size.
/// </summary>
[GenerateSerializer, Immutable, Alias("objectstore.ObjectInfo")]
public sealed record ObjectInfo
{
    /// <summary>Media type; default <c>application/octet-stream</c>.</summary>
    [Id(0)] public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>Content encoding of the stored bytes (<c>zstd</c>) or null; the store never transforms bytes.</summary>
    [Id(1)] public string? Compression { get; init; }

    /// <summary>Expiration policy in objectstore's wire form: <c>manual</c>, <c>ttl:30s</c>, <c>tti:1d</c>.</summary>
    [Id(2)] public string Expiration { get; init; } = "manual";

    /// <summary>Set by the store on every write.</summary>
    [Id(3)] public DateTimeOffset? TimeCreated { get; init; }

    /// <summary>Deadline of a TTL/TTI object; null for manual ones.</summary>
    [Id(4)] public DateTimeOffset? TimeExpires { get; init; }

    /// <summary>Free-text origin (<c>x-sn-origin</c>).</summary>
    [Id(5)] public string? Origin { get; init; }

    /// <summary>Original file name (<c>x-sn-filename</c>).</summary>
    [Id(6)] public string? Filename { get; init; }

    /// <summary>Custom metadata (<c>x-snme-*</c>): lowercase names.</summary>
    [Id(7)] public IReadOnlyDictionary<string, string>? Custom { get; init; }

    /// <summary>Stored size in bytes, when known.</summary>
    [Id(8)] public long? Size { get; init; }
}
