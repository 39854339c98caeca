namespace ObjectStore.Client;

/// <summary>A top-level namespace of objects with the defaults its writes use (expiration, compression).</summary>
/// <param name="Name">The usecase name as it appears in URLs and tokens (e.g. <c>attachments</c>).</param>
public sealed record Usecase(string Name)
{
    /// <summary>The name, checked non-empty.</summary>
    public string Name { get; } = string.IsNullOrEmpty(Name) ? throw new ArgumentException("a usecase needs a name", nameof(Name)) : Name;

    /// <summary>Expiration of objects written without one of their own; null sends none (the server stores manual).</summary>
    public ExpirationPolicy? Expiration { get; init; }

    /// <summary>Compression of uploads that do not choose their own; zstd by default, like the official clients.</summary>
    public Compression Compression { get; init; } = Compression.Zstd;
}
