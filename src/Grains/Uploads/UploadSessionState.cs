using ObjectStore.Grains.Objects;

namespace ObjectStore.Grains.Uploads;

/// <summary>Where a session stands.</summary>
[GenerateSerializer]
public enum UploadSessionStatus
{
    /// <summary>Taking chunks (or assembled and waiting for its commit to be retried).</summary>
    Open,

    /// <summary>The object was committed.</summary>
    Committed,

    /// <summary>Cancelled by the client; its bytes were discarded.</summary>
    Cancelled,

    /// <summary>Expired unfinished; its bytes were discarded.</summary>
    Expired,
}

/// <summary>The durable state of one resumable upload session (grain state "session" on the objectstore store).</summary>
[GenerateSerializer]
public sealed class UploadSessionState
{
    /// <summary>The object grain key the session writes.</summary>
    [Id(0)] public string ObjectKey { get; set; } = "";

    /// <summary>The metadata fixed at create.</summary>
    [Id(1)] public ObjectInfo Metadata { get; set; } = new();

    /// <summary>The declared length (<c>Upload-Length</c>).</summary>
    [Id(2)] public long Length { get; set; }

    /// <summary>Bytes assembled so far.</summary>
    [Id(3)] public long Offset { get; set; }

    /// <summary>The session's status.</summary>
    [Id(4)] public UploadSessionStatus Status { get; set; }

    /// <summary>When the session expires unless a chunk arrives first; for a finished session, when its record is dropped.</summary>
    [Id(5)] public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The long-term multipart upload of a session above the inline threshold; null for a small one.</summary>
    [Id(6)] public string? UploadId { get; set; }

    /// <summary>The last part number handed out (every chunk attempt gets a fresh one, so racing attempts never overwrite an accepted part).</summary>
    [Id(7)] public int LastPartNumber { get; set; }

    /// <summary>The accepted parts in order.</summary>
    [Id(8)] public List<PartTag> Parts { get; set; } = [];

    /// <summary>The bytes of a small session (at most the inline threshold).</summary>
    [Id(9)] public byte[] Buffer { get; set; } = [];
}
