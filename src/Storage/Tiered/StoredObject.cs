using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// A found object: its metadata (as stored, before any TTI bump this read caused), the resolved range
/// when one was asked for, and its bytes. Inline objects also expose the payload as memory.
/// </summary>
public sealed class StoredObject : IAsyncDisposable
{
    private StoredObject(ObjectMetadata metadata, ContentRange? range, ReadOnlyMemory<byte>? inline, Stream content)
    {
        Metadata = metadata;
        Range = range;
        InlinePayload = inline;
        Content = content;
    }

    /// <summary>Metadata (size included).</summary>
    public ObjectMetadata Metadata { get; }

    /// <summary>The resolved range when a satisfiable range was requested; null otherwise.</summary>
    public ContentRange? Range { get; }

    /// <summary>The payload (or its requested range) when stored inline in HV; null for LT objects.</summary>
    public ReadOnlyMemory<byte>? InlinePayload { get; }

    /// <summary>The bytes (the range, or all) as a stream; read once, then dispose.</summary>
    public Stream Content { get; }

    /// <summary>True when the bytes came from HV.</summary>
    public bool IsInline => InlinePayload is not null;

    internal static StoredObject Inline(ObjectMetadata metadata, ContentRange? range, ReadOnlyMemory<byte> payload) =>
        new(metadata, range, payload, new ReadOnlyMemoryStream(payload));

    internal static StoredObject LongTerm(ObjectMetadata metadata, ContentRange? range, Stream content) =>
        new(metadata, range, null, content);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
