using System.Buffers;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Batch;

/// <summary>The four batch operation kinds (<c>x-sn-batch-operation-kind</c>).</summary>
internal enum BatchOperationKind
{
    /// <summary>Read an object with its payload.</summary>
    Get,
    /// <summary>Read an object's metadata.</summary>
    Head,
    /// <summary>Write an object (payload ≤ 1 MiB).</summary>
    Insert,
    /// <summary>Delete an object.</summary>
    Delete,
}

/// <summary>
/// One operation of a batch request, parsed from its multipart part, or the op error (400/413) that
/// parsing produced. Insert payloads live in a pooled buffer: dispose the operation once executed.
/// </summary>
internal sealed class BatchOperation : IDisposable
{
    private byte[]? _rented;
    private readonly int _length;

    private BatchOperation(int index, BatchOperationKind? kind, string? key, ObjectMetadata? metadata, byte[]? rented, int length, ApiError? error)
    {
        Index = index;
        Kind = kind;
        Key = key;
        Metadata = metadata;
        _rented = rented;
        _length = length;
        Error = error;
    }

    /// <summary>0-based position of the part in the request; clients correlate results by it.</summary>
    public int Index { get; }

    /// <summary>The operation kind; null when the part failed before its kind was known.</summary>
    public BatchOperationKind? Kind { get; }

    /// <summary>The percent-decoded key; null for an insert without key (generate one) or on error.</summary>
    public string? Key { get; }

    /// <summary>Metadata of an insert, from the part headers (timestamps not stamped yet).</summary>
    public ObjectMetadata? Metadata { get; }

    /// <summary>The parse failure to answer as this operation's error part, or null.</summary>
    public ApiError? Error { get; }

    /// <summary>True when the part parsed into an executable operation.</summary>
    public bool IsValid => Error is null;

    /// <summary>The insert payload (empty for other kinds); valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _rented is null ? ReadOnlyMemory<byte>.Empty : _rented.AsMemory(0, _length);

    /// <summary>A get, head or delete of <paramref name="key"/>.</summary>
    public static BatchOperation ForKey(int index, BatchOperationKind kind, string key) => new(index, kind, key, null, null, 0, null);

    /// <summary>An insert whose payload is <paramref name="length"/> bytes of the pooled <paramref name="rented"/> (ownership moves in).</summary>
    public static BatchOperation ForInsert(int index, string? key, ObjectMetadata metadata, byte[]? rented, int length) =>
        new(index, BatchOperationKind.Insert, key, metadata, rented, length, null);

    /// <summary>An operation that failed to parse.</summary>
    public static BatchOperation Failed(int index, ApiError error) => new(index, null, null, null, null, 0, error);

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref _rented, null);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
