using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// The long-term tier: blobs of any size, streamed both ways with memory bounded by configuration
/// (never by object size). Keys are revision ids (<c>{key}/{uuid v7}</c>). Implementations:
/// in-memory (tests), filesystem (embedded default), S3 (any S3-compatible endpoint).
/// </summary>
public interface ILongTermStore
{
    /// <summary>Prepares the store (directories, bucket check). Idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes a blob from <paramref name="content"/>, read once to its end. <paramref name="sizeHint"/>,
    /// when known, lets S3 use a single PutObject up to the part size; otherwise multipart with
    /// bounded parallel parts. The stored metadata's <see cref="ObjectMetadata.Size"/> is the byte count read.
    /// </summary>
    Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken);

    /// <summary>Opens a blob (optionally a byte range of it); null when absent. An unsatisfiable range yields <see cref="LongTermObject.Range"/> null and an empty stream.</summary>
    Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>The blob's metadata, or null when absent.</summary>
    Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; absent is fine (idempotent).</summary>
    Task DeleteAsync(ObjectId id, CancellationToken cancellationToken);

    /// <summary>Lists blobs whose storage path starts with <paramref name="prefix"/>, lazily paged (1,000 a page), constant memory.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Lists like <see cref="ListAsync(string, CancellationToken)"/>, continuing after the blob whose
    /// <see cref="BlobInfo.ResumeAfter"/> was <paramref name="resumeAfter"/> (null: from the start). A store whose blobs
    /// carry no position never receives one, so by default this lists from the start.
    /// </summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix, string? resumeAfter, CancellationToken cancellationToken) => ListAsync(prefix, cancellationToken);

    /// <summary>Starts a multipart upload that will become blob <paramref name="id"/>; returns the backend upload id.</summary>
    Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken);

    /// <summary>
    /// Stores part <paramref name="partNumber"/> (replacing an earlier one) from exactly
    /// <paramref name="contentLength"/> bytes; verifies <paramref name="contentMd5"/> (base64) when given.
    /// Any part size is accepted, tiny ones included. Returns the part's etag (a content hash).
    /// </summary>
    Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken);

    /// <summary>Parts with number &gt; <paramref name="partNumberMarker"/>, ascending, at most <paramref name="maxParts"/>.</summary>
    Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken);

    /// <summary>Assembles the listed parts in the listed order into blob <paramref name="id"/> (etags checked); nothing is written on failure.</summary>
    Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken);

    /// <summary>Aborts the upload and discards its parts; unknown uploads are fine.</summary>
    Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Aborts every multipart upload initiated before <paramref name="cutoff"/> (abandoned: never completed nor aborted),
    /// discarding its parts; returns how many. Never touches blobs, so a completed upload's object is safe; a complete of
    /// such an old upload racing with this fails and the client may retry it. Stores that cannot list uploads abort none.
    /// </summary>
    Task<int> AbortUploadsInitiatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>
    /// The store's own writes that were begun and neither finished nor aborted (S3 multipart uploads of a writer that
    /// died mid-upload), of <paramref name="blob"/> only or, when null, of every blob. Stores whose writes leave nothing
    /// behind when interrupted list none.
    /// </summary>
    IAsyncEnumerable<UnfinishedWrite> ListUnfinishedWritesAsync(ObjectId? blob, CancellationToken cancellationToken) => UnfinishedWrite.None();

    /// <summary>Aborts <paramref name="write"/>, discarding what it stored so far; an already finished or aborted one is fine.</summary>
    Task AbortUnfinishedWriteAsync(UnfinishedWrite write, CancellationToken cancellationToken) => Task.CompletedTask;
}
