namespace ObjectStore.Storage.LongTerm;

/// <summary>An uploaded part as listed: number, opaque etag, size and time.</summary>
public sealed record UploadedPart(int PartNumber, string ETag, long Size, DateTimeOffset LastModified);

/// <summary>One page of a part listing (parts with number &gt; marker, ascending).</summary>
public sealed record PartListing(IReadOnlyList<UploadedPart> Parts, bool IsTruncated, int? NextPartNumberMarker);

/// <summary>A part named in a complete request, in the order the client listed it.</summary>
public sealed record CompletedPart(int PartNumber, string ETag);

/// <summary>
/// The outcome of completing a multipart upload. A backend-reported problem (bad etag, missing
/// part) is a value, not an exception: the HTTP layer answers 200 with it in the body.
/// </summary>
public sealed record MultipartCompletion(string? ErrorCode, string? ErrorMessage)
{
    /// <summary>Success.</summary>
    public static readonly MultipartCompletion Success = new(null, null);

    /// <summary>A backend-reported failure, S3-style code (<c>InvalidPart</c>, <c>InvalidPartOrder</c>, <c>NoSuchUpload</c>).</summary>
    public static MultipartCompletion Failed(string code, string message) => new(code, message);

    /// <summary>True when the upload was assembled.</summary>
    public bool Succeeded => ErrorCode is null;
}

/// <summary>Thrown when an upload id names no open upload.</summary>
public sealed class UploadNotFoundException(string uploadId)
    : Exception($"multipart upload not found: {uploadId}")
{
    /// <summary>The upload id.</summary>
    public string UploadId { get; } = uploadId;
}

/// <summary>Thrown when a part's bytes do not match its Content-MD5 or Content-Length.</summary>
public sealed class PartIntegrityException(string message) : Exception(message);
