namespace ObjectStore.Client;

/// <summary>How a payload is encoded on the wire and at rest; the only encoding objectstore knows is zstd.</summary>
public enum Compression
{
    /// <summary>Stored as given.</summary>
    None,

    /// <summary>Zstandard (<c>content-encoding: zstd</c>): the default for uploads, like the official clients.</summary>
    Zstd,
}
