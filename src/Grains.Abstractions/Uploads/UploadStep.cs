namespace ObjectStore.Grains.Uploads;

/// <summary>What a session request came to.</summary>
[GenerateSerializer, Alias("objectstore.UploadStepKind")]
public enum UploadStepKind
{
    /// <summary>Accepted; more bytes remain from <see cref="UploadStep.Offset"/>.</summary>
    Continue,

    /// <summary>Every byte arrived and the object is committed.</summary>
    Committed,

    /// <summary>The chunk's offset is not the session's; <see cref="UploadStep.Offset"/> is the authoritative one.</summary>
    Mismatch,

    /// <summary>The chunk ends past the declared length, or needs more parts than the backend allows.</summary>
    PastLength,

    /// <summary>No such session for this key.</summary>
    Unknown,

    /// <summary>The session expired or was cancelled.</summary>
    Gone,

    /// <summary><see cref="IUploadSessionGrain.BeginChunk"/>: send the bytes through <see cref="IUploadSessionGrain.AppendInline"/>.</summary>
    SendInline,

    /// <summary><see cref="IUploadSessionGrain.BeginChunk"/>: stream the bytes into part <see cref="UploadStep.PartNumber"/> of <see cref="UploadStep.UploadId"/>.</summary>
    StreamPart,
}

/// <summary>The answer to a session request.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.UploadStep")]
public sealed record UploadStep
{
    /// <summary>What happened.</summary>
    [Id(0)] public required UploadStepKind Kind { get; init; }

    /// <summary>The session's offset after the request (bytes assembled so far).</summary>
    [Id(1)] public long Offset { get; init; }

    /// <summary>The multipart upload id of a large session, for <see cref="UploadStepKind.StreamPart"/>.</summary>
    [Id(2)] public string? UploadId { get; init; }

    /// <summary>The part to stream into, for <see cref="UploadStepKind.StreamPart"/>.</summary>
    [Id(3)] public int PartNumber { get; init; }

    /// <summary>Why a commit could not be made (the commit is retried by the next offset query); null otherwise.</summary>
    [Id(4)] public string? Problem { get; init; }
}

/// <summary>A chunk streamed into a long-term part.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.UploadChunk")]
public sealed record UploadChunk
{
    /// <summary>The part number <see cref="IUploadSessionGrain.BeginChunk"/> gave.</summary>
    [Id(0)] public required int PartNumber { get; init; }

    /// <summary>The part's etag.</summary>
    [Id(1)] public required string ETag { get; init; }

    /// <summary>The chunk's offset.</summary>
    [Id(2)] public required long Offset { get; init; }

    /// <summary>The chunk's size in bytes.</summary>
    [Id(3)] public required long Size { get; init; }
}
