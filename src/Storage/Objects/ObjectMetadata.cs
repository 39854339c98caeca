namespace ObjectStore.Storage.Objects;

/// <summary>Everything stored with an object besides its bytes (api doc §5.1).</summary>
public sealed record ObjectMetadata
{
    /// <summary>The default content type.</summary>
    public const string DefaultContentType = "application/octet-stream";

    /// <summary>Media type; default <c>application/octet-stream</c>.</summary>
    public string ContentType { get; init; } = DefaultContentType;

    /// <summary>Content encoding as sent by the client: <c>zstd</c> or null. Bytes are never transformed.</summary>
    public string? Compression { get; init; }

    /// <summary>Expiration policy; default manual.</summary>
    public ExpirationPolicy Expiration { get; init; } = ExpirationPolicy.Manual;

    /// <summary>Set by the server on every write (multipart: at initiate).</summary>
    public DateTimeOffset? TimeCreated { get; init; }

    /// <summary>Deadline for TTL/TTI objects; null for manual. Bumped by TTI accesses.</summary>
    public DateTimeOffset? TimeExpires { get; init; }

    /// <summary>Free-text origin (<c>x-sn-origin</c>).</summary>
    public string? Origin { get; init; }

    /// <summary>Original file name (<c>x-sn-filename</c>).</summary>
    public string? Filename { get; init; }

    /// <summary>Custom metadata (<c>x-snme-*</c>), lowercase names.</summary>
    public IReadOnlyDictionary<string, string> Custom { get; init; } = EmptyCustom;

    /// <summary>Stored size in bytes; never read from a request, sent as <c>x-sn-size</c> on single-object GET and HEAD.</summary>
    public long? Size { get; init; }

    /// <summary>True when a TTL/TTI deadline is strictly earlier than <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => Expiration.Expires && TimeExpires is { } e && e < now;

    /// <summary>Stamps creation time and deadline from one <paramref name="now"/>, as every write does.</summary>
    public ObjectMetadata StampedAt(DateTimeOffset now)
    {
        now = ObjectTimestamp.ToMicros(now);
        return this with { TimeCreated = now, TimeExpires = Expiration.DeadlineFrom(now) };
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyCustom = new Dictionary<string, string>();
}
