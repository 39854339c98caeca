namespace ObjectStore.Client;

/// <summary>What the server stores beside an object's bytes (the <c>x-sn-*</c>, <c>x-snme-*</c> and content headers).</summary>
public sealed record ObjectMetadata
{
    /// <summary>The media type; <c>application/octet-stream</c> unless the writer set one.</summary>
    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>The encoding of the bytes as delivered: <see cref="Compression.None"/> after transparent decompression.</summary>
    public Compression Compression { get; init; }

    /// <summary>The expiration policy the writer set.</summary>
    public ExpirationPolicy Expiration { get; init; }

    /// <summary>When the object was written (multipart: initiated).</summary>
    public DateTimeOffset? TimeCreated { get; init; }

    /// <summary>When the object expires (absent for manual expiration).</summary>
    public DateTimeOffset? TimeExpires { get; init; }

    /// <summary>Free text the writer recorded, such as the uploader's address.</summary>
    public string? Origin { get; init; }

    /// <summary>The file name the writer recorded.</summary>
    public string? Filename { get; init; }

    /// <summary>Custom metadata (<c>x-snme-&lt;name&gt;</c>); names come back lowercase.</summary>
    public IReadOnlyDictionary<string, string> Custom { get; init; } = new Dictionary<string, string>();
}
