using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.LongTerm;

/// <summary>An open LT read: metadata, the resolved range (if one was asked for), and the payload stream the caller must dispose.</summary>
public sealed class LongTermObject(ObjectMetadata metadata, ContentRange? range, Stream content) : IAsyncDisposable
{
    /// <summary>The blob's metadata (size included).</summary>
    public ObjectMetadata Metadata { get; } = metadata;

    /// <summary>The resolved range, when a satisfiable one was requested.</summary>
    public ContentRange? Range { get; } = range;

    /// <summary>The bytes (the range, or all). Read once, then dispose.</summary>
    public Stream Content { get; } = content;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>One entry of an LT listing: the storage path (see <see cref="ObjectId.StoragePath"/>), size and modification time.</summary>
public sealed record BlobInfo(string StoragePath, long Size, DateTimeOffset LastModified)
{
    /// <summary>
    /// Where a listing can continue right after this blob (<see cref="ILongTermStore.ListAsync(string, string?, CancellationToken)"/>),
    /// opaque to callers; null when the store cannot resume a listing (it then starts over).
    /// </summary>
    public string? ResumeAfter { get; init; }
}
