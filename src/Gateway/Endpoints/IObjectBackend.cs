using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Uploads;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// What the endpoints need from the storage side, one call per wire operation. The gateway never picks a tier:
/// the backend buffers at most the inline threshold + 1 bytes and streams anything larger straight into LT.
/// </summary>
internal interface IObjectBackend
{
    /// <summary>Stores <paramref name="body"/> under <paramref name="id"/>, replacing payload and metadata.</summary>
    Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken);

    /// <summary>Opens the object (or the requested range of it); null when absent or expired.</summary>
    Task<ObjectContent?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>The object's metadata; null when absent or expired.</summary>
    Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken);

    /// <summary>Extends the object's expiry to at least the requested deadline (never shortens); the grain's decision.</summary>
    Task<ExpiryResult> ExtendExpiryAsync(ObjectId id, ExpiryRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes the object; missing objects are fine.</summary>
    Task DeleteAsync(ObjectId id, CancellationToken cancellationToken);

    /// <summary>Starts a multipart upload whose final object carries <paramref name="metadata"/>; returns the upload id.</summary>
    Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken);

    /// <summary>Stores one part; returns its etag.</summary>
    Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken);

    /// <summary>Lists the parts after <paramref name="partNumberMarker"/>.</summary>
    Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken);

    /// <summary>Aborts the upload; unknown uploads are fine.</summary>
    Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken);

    /// <summary>Assembles and commits the upload; backend-reported problems are returned, not thrown.</summary>
    Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken);

    /// <summary>Opens a resumable upload session of <paramref name="length"/> bytes for <paramref name="id"/>; returns its token. The object is untouched.</summary>
    Task<string> CreateUploadSessionAsync(ObjectId id, ObjectMetadata metadata, long length, CancellationToken cancellationToken);

    /// <summary>Sends a chunk of exactly <paramref name="size"/> bytes at <paramref name="offset"/>; the body is read only when the session takes it.</summary>
    Task<UploadStep> UploadChunkAsync(string session, ObjectId id, long offset, Stream body, long size, CancellationToken cancellationToken);

    /// <summary>The session's offset (commits a fully assembled upload).</summary>
    Task<UploadStep> QueryUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken);

    /// <summary>Cancels the session and discards its bytes.</summary>
    Task<UploadStep> CancelUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken);

    /// <summary>Runs one batch; results in completion order. Throws <c>AtCapacityException</c> before reading input when no window is free.</summary>
    IAsyncEnumerable<BatchResult> RunBatchAsync(IAsyncEnumerable<BatchItem> input, CancellationToken cancellationToken);

    /// <summary>Opens a large object's LT revision that a batch get redirected to; null when the blob is gone.</summary>
    Task<Stream?> OpenRevisionAsync(ObjectId revision, CancellationToken cancellationToken);
}

/// <summary>
/// An opened object: metadata, the resolved range when one was satisfiable, and the bytes — inline memory (treat as
/// immutable) or a stream to read once.
/// </summary>
internal sealed class ObjectContent : IAsyncDisposable
{
    /// <summary>Bytes streamed from LT.</summary>
    public ObjectContent(ObjectMetadata metadata, ContentRange? range, Stream content)
    {
        Metadata = metadata;
        Range = range;
        Content = content;
    }

    /// <summary>Inline bytes (the range, or all).</summary>
    public ObjectContent(ObjectMetadata metadata, ContentRange? range, ReadOnlyMemory<byte> payload)
    {
        Metadata = metadata;
        Range = range;
        Payload = payload;
    }

    /// <summary>Stored metadata (size included when known).</summary>
    public ObjectMetadata Metadata { get; }

    /// <summary>The resolved range; null when none was asked for or it was not applied.</summary>
    public ContentRange? Range { get; }

    /// <summary>The LT stream; null for inline objects.</summary>
    public Stream? Content { get; }

    /// <summary>The inline bytes; empty for LT objects.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content?.DisposeAsync() ?? ValueTask.CompletedTask;
}
