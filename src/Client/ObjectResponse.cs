using System.Net.Http.Headers;

namespace ObjectStore.Client;

/// <summary>An object being read: its metadata and a stream of its bytes. Dispose it to release the connection.</summary>
public sealed class ObjectResponse : IDisposable, IAsyncDisposable
{
    private readonly HttpResponseMessage _response;

    internal ObjectResponse(HttpResponseMessage response, ObjectMetadata metadata, Stream content, long? contentLength)
    {
        _response = response;
        Metadata = metadata;
        Content = content;
        ContentLength = contentLength;
    }

    /// <summary>The object's metadata.</summary>
    public ObjectMetadata Metadata { get; }

    /// <summary>The payload, streamed from the server (decompressed on the fly unless asked not to).</summary>
    public Stream Content { get; }

    /// <summary>The size of <see cref="Content"/> when the server declared it and no decompression happens.</summary>
    public long? ContentLength { get; }

    /// <summary>For a ranged read: the range delivered and the stored size.</summary>
    public ContentRangeHeaderValue? ContentRange => _response.Content.Headers.ContentRange;

    /// <summary>Reads the whole payload into memory (for small objects).</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = ContentLength is { } length and <= int.MaxValue ? new MemoryStream((int)length) : new MemoryStream();
        await Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
