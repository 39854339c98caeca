using ObjectStore.Grains.Objects;

namespace ObjectStore.Grains.Uploads;

/// <summary>
/// One resumable upload session, keyed by its token (the <c>session</c> query parameter). It holds the declared length,
/// the metadata fixed at create and the offset assembled so far in durable grain state, so a session survives a silo
/// restart. Every call names the object grain key the request addressed: a token used on another key is unknown.
/// Chunks of a session of at most the inline threshold travel through <see cref="AppendInline"/>; larger sessions stream
/// each chunk into a long-term multipart part between <see cref="BeginChunk"/> and <see cref="EndChunk"/>. The object
/// changes only when the last byte arrives: the session then commits through the object grain like any PUT.
/// </summary>
[Alias("objectstore.IUploadSessionGrain")]
public interface IUploadSessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session for <paramref name="objectKey"/> with <paramref name="length"/> bytes to come; the object is untouched.</summary>
    [Alias("Create")]
    Task Create(string objectKey, ObjectInfo metadata, long length, CancellationToken cancellationToken = default);

    /// <summary>Checks a chunk of <paramref name="size"/> bytes at <paramref name="offset"/>: where to send it, or why not.</summary>
    [Alias("BeginChunk")]
    Task<UploadStep> BeginChunk(string objectKey, long offset, long size, CancellationToken cancellationToken = default);

    /// <summary>Accepts a chunk streamed into the part <see cref="BeginChunk"/> named; commits when it was the last.</summary>
    [Alias("EndChunk")]
    Task<UploadStep> EndChunk(string objectKey, UploadChunk chunk, CancellationToken cancellationToken = default);

    /// <summary>Accepts a chunk of a session within the inline threshold; commits when it was the last.</summary>
    [Alias("AppendInline")]
    Task<UploadStep> AppendInline(string objectKey, long offset, [Immutable] ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default);

    /// <summary>The offset held (<c>Upload-Offset: *</c>); commits an upload whose bytes all arrived but whose commit failed.</summary>
    [Alias("Query")]
    Task<UploadStep> Query(string objectKey, CancellationToken cancellationToken = default);

    /// <summary>Cancels the session and discards its bytes; the object is untouched.</summary>
    [Alias("Cancel")]
    Task<UploadStep> Cancel(string objectKey, CancellationToken cancellationToken = default);
}
