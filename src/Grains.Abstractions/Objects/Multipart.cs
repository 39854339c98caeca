namespace ObjectStore.Grains.Objects;

/// <summary>A part named in a multipart complete, in the order the client listed it.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.PartTag")]
public sealed record PartTag
{
    /// <summary>The part number (1–10000).</summary>
    [Id(0)] public required int PartNumber { get; init; }

    /// <summary>The etag the part's upload returned.</summary>
    [Id(1)] public required string ETag { get; init; }
}

/// <summary>The outcome of completing a multipart upload: success, or a backend-reported S3-style error (<c>InvalidPart</c>, <c>NoSuchUpload</c>, …).</summary>
[GenerateSerializer, Immutable, Alias("objectstore.MultipartOutcome")]
public sealed record MultipartOutcome
{
    /// <summary>The error code; null on success.</summary>
    [Id(0)] public string? ErrorCode { get; init; }

    /// <summary>The error's detail; null on success.</summary>
    [Id(1)] public string? ErrorMessage { get; init; }

    /// <summary>True when the upload was assembled and committed.</summary>
    public bool Succeeded => ErrorCode is null;
}
