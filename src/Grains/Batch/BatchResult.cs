using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// The outcome of one batch operation, as one response part (api doc §7.4): its index, status and, for answers
/// that are not errors, kind and key (404 of get/head included: clients need the key on every non-error part).
/// Found gets carry the metadata and the inline payload, or the LT revision to stream; found heads the metadata.
/// Errors carry only index, status and message.
/// </summary>
public sealed class BatchResult
{
    private BatchResult(int index, int status, BatchOperationKind? kind, string? key)
    {
        Index = index;
        Status = status;
        Kind = kind;
        Key = key;
    }

    /// <summary>The operation's position in the request.</summary>
    public int Index { get; }

    /// <summary>The part's status: 200, 201, 204, 404, or an error code (4xx/5xx).</summary>
    public int Status { get; }

    /// <summary>The operation's kind; null on errors.</summary>
    public BatchOperationKind? Kind { get; }

    /// <summary>The (unencoded) object key; null on errors.</summary>
    public string? Key { get; }

    /// <summary>The object's metadata for found gets and heads.</summary>
    public ObjectMetadata? Metadata { get; private init; }

    /// <summary>A found inline get's bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; private init; }

    /// <summary>A found LT get's revision: the gateway streams it into the part, so no batch holds a large body in memory.</summary>
    public ObjectId? Revision { get; private init; }

    /// <summary>The error's detail; null unless <see cref="IsError"/>.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary>True for error parts (only index, status and message).</summary>
    public bool IsError => ErrorMessage is not null;

    /// <summary>A get that found an inline object: 200.</summary>
    public static BatchResult Found(BatchOperation operation, ObjectMetadata metadata, ReadOnlyMemory<byte> payload) =>
        new(operation.Index, 200, operation.Kind, operation.Id.Key) { Metadata = metadata, Payload = payload };

    /// <summary>A get that found an LT object: 200, body streamed from <paramref name="revision"/>.</summary>
    public static BatchResult FoundLongTerm(BatchOperation operation, ObjectMetadata metadata, ObjectId revision) =>
        new(operation.Index, 200, operation.Kind, operation.Id.Key) { Metadata = metadata, Revision = revision };

    /// <summary>A head that found the object: 204 with its metadata.</summary>
    public static BatchResult HeadFound(BatchOperation operation, ObjectMetadata metadata) =>
        new(operation.Index, 204, operation.Kind, operation.Id.Key) { Metadata = metadata };

    /// <summary>A get or head of a missing or expired object: 404.</summary>
    public static BatchResult NotFound(BatchOperation operation) => new(operation.Index, 404, operation.Kind, operation.Id.Key);

    /// <summary>An insert that stored its payload: 201 (also on overwrite).</summary>
    public static BatchResult Created(BatchOperation operation) => new(operation.Index, 201, operation.Kind, operation.Id.Key);

    /// <summary>A delete: 204 (also when nothing was there).</summary>
    public static BatchResult Deleted(BatchOperation operation) => new(operation.Index, 204, operation.Kind, operation.Id.Key);

    /// <summary>An error part: <paramref name="status"/> (400–599) with <paramref name="message"/> as its detail.</summary>
    public static BatchResult Failure(int index, int status, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentNullException.ThrowIfNull(message);
        return new BatchResult(index, status, null, null) { ErrorMessage = message };
    }

    /// <inheritdoc/>
    public override string ToString() => IsError ? $"#{Index} {Status} {ErrorMessage}" : $"#{Index} {Kind} {Key} {Status}";
}
