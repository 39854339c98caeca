using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// One parsed operation of a batch request: its 0-based position in the request (the index clients correlate
/// results by), its kind and object, and for inserts the metadata and payload (at most <see cref="MaxInsertBytes"/>).
/// Treat the payload as immutable: it is handed to the grain as is.
/// </summary>
public sealed class BatchOperation
{
    /// <summary>Largest insert payload, 1 MiB (api doc §7.1); larger parts are op errors 413 before they get here.</summary>
    public const int MaxInsertBytes = 1_048_576;

    private BatchOperation(int index, BatchOperationKind kind, ObjectId id, ObjectMetadata? metadata, ReadOnlyMemory<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(id);
        Index = index;
        Kind = kind;
        Id = id;
        Metadata = metadata;
        Payload = payload;
    }

    /// <summary>The operation's position in the request.</summary>
    public int Index { get; }

    /// <summary>What it does.</summary>
    public BatchOperationKind Kind { get; }

    /// <summary>The object it acts on (for inserts without a key: the generated one).</summary>
    public ObjectId Id { get; }

    /// <summary>The metadata to store; inserts only.</summary>
    public ObjectMetadata? Metadata { get; }

    /// <summary>The bytes to store; inserts only.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Reads the whole object.</summary>
    public static BatchOperation Get(int index, ObjectId id) => new(index, BatchOperationKind.Get, id, null, default);

    /// <summary>Reads the object's metadata.</summary>
    public static BatchOperation Head(int index, ObjectId id) => new(index, BatchOperationKind.Head, id, null, default);

    /// <summary>Deletes the object.</summary>
    public static BatchOperation Delete(int index, ObjectId id) => new(index, BatchOperationKind.Delete, id, null, default);

    /// <summary>
    /// Stores <paramref name="payload"/> under <paramref name="key"/> in (<paramref name="usecase"/>, <paramref name="scopes"/>);
    /// without a key, under a new UUID v4 (the result's key tells the client which).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="MaxInsertBytes"/>.</exception>
    public static BatchOperation Insert(int index, string usecase, Scopes scopes, string? key, ObjectMetadata metadata, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (payload.Length > MaxInsertBytes)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"a batch insert carries at most {MaxInsertBytes} bytes");
        var id = new ObjectId(usecase, scopes, string.IsNullOrEmpty(key) ? Guid.NewGuid().ToString() : key);
        return new BatchOperation(index, BatchOperationKind.Insert, id, metadata, payload);
    }

    /// <inheritdoc/>
    public override string ToString() => $"#{Index} {Kind} {Id}";
}
