namespace ObjectStore.Client;

/// <summary>How to write one object: its key and metadata, and how to send the bytes.</summary>
public sealed record PutOptions
{
    /// <summary>The key; null lets the server generate one (a UUID), which the put returns.</summary>
    public string? Key { get; init; }

    /// <summary>The media type; the server stores <c>application/octet-stream</c> when absent.</summary>
    public string? ContentType { get; init; }

    /// <summary>Overrides the usecase's expiration.</summary>
    public ExpirationPolicy? Expiration { get; init; }

    /// <summary>Overrides the usecase's compression (zstd unless the usecase says otherwise).</summary>
    public Compression? Compression { get; init; }

    /// <summary>The payload is already zstd: sent as it is, recorded as <c>content-encoding: zstd</c>, decompressed on get.</summary>
    public bool AlreadyCompressed { get; init; }

    /// <summary>Free text recorded with the object, e.g. the uploader's address.</summary>
    public string? Origin { get; init; }

    /// <summary>A file name recorded with the object (served back as <c>content-disposition</c>).</summary>
    public string? Filename { get; init; }

    /// <summary>Custom metadata; names are sent lowercase, values must be visible ASCII.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Reports payload bytes read from the source as they go up.</summary>
    public IProgress<TransferProgress>? Progress { get; init; }

    /// <summary>The defaults.</summary>
    public static PutOptions Default { get; } = new();
}

/// <summary>How to read one object.</summary>
public sealed record GetOptions
{
    /// <summary>Decompress zstd objects on the fly (the default); the metadata then reports no compression.</summary>
    public bool Decompress { get; init; } = true;

    /// <summary>
    /// A byte range of the stored bytes (inclusive end, or open-ended when <c>To</c> is null). Ranges address stored,
    /// possibly compressed, bytes, so a ranged read is never decompressed.
    /// </summary>
    public (long From, long? To)? Range { get; init; }

    /// <summary>Reports payload bytes handed to the reader.</summary>
    public IProgress<TransferProgress>? Progress { get; init; }

    /// <summary>The defaults.</summary>
    public static GetOptions Default { get; } = new();
}
