namespace ObjectStore.Client;

/// <summary>The kinds of batch operations.</summary>
public enum BatchOperationKind
{
    /// <summary>Read an object whole.</summary>
    Get,

    /// <summary>Read an object's metadata.</summary>
    Head,

    /// <summary>Write an object.</summary>
    Insert,

    /// <summary>Delete an object.</summary>
    Delete,
}

/// <summary>One operation of a batch (<see cref="ObjectStoreSession.ManyAsync"/>); the result carries it back as its identity.</summary>
public sealed record BatchOperation
{
    private BatchOperation(BatchOperationKind kind, string? key)
    {
        Kind = kind;
        Key = key;
    }

    /// <summary>What the operation does.</summary>
    public BatchOperationKind Kind { get; }

    /// <summary>The key (null for an insert whose key the server generates).</summary>
    public string? Key { get; }

    /// <summary>Anything the caller wants to find on the result again.</summary>
    public object? State { get; init; }

    internal ReadOnlyMemory<byte> Payload { get; private init; }

    internal PutOptions Options { get; private init; } = PutOptions.Default;

    internal bool Decompress { get; private init; } = true;

    /// <summary>Reads the object whole (decompressing zstd unless told not to).</summary>
    public static BatchOperation Get(string key, bool decompress = true) => new(BatchOperationKind.Get, Checked(key)) { Decompress = decompress };

    /// <summary>Reads the object's metadata.</summary>
    public static BatchOperation Head(string key) => new(BatchOperationKind.Head, Checked(key));

    /// <summary>Deletes the object.</summary>
    public static BatchOperation Delete(string key) => new(BatchOperationKind.Delete, Checked(key));

    /// <summary>
    /// Writes the payload with the options' key and metadata (the progress option is ignored). Payloads over 1 MiB after
    /// compression, the server's batch limit, are sent as single requests instead.
    /// </summary>
    public static BatchOperation Insert(ReadOnlyMemory<byte> payload, PutOptions? options = null) =>
        new(BatchOperationKind.Insert, string.IsNullOrEmpty(options?.Key) ? null : options.Key) { Payload = payload, Options = options ?? PutOptions.Default };

    private static string Checked(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("an object key cannot be empty", nameof(key)) : key;
}

/// <summary>The outcome of one batch operation.</summary>
public sealed class BatchResult
{
    internal BatchResult(int index, BatchOperation operation, int statusCode, string? key, Exception? error)
    {
        Index = index;
        Operation = operation;
        StatusCode = statusCode;
        Key = key;
        Error = error;
    }

    /// <summary>The operation's position in the sequence given to <see cref="ObjectStoreSession.ManyAsync"/>.</summary>
    public int Index { get; }

    /// <summary>The operation this is the result of.</summary>
    public BatchOperation Operation { get; }

    /// <summary>The operation's status (200, 201, 204, 404, …); 0 when no answer was received for it.</summary>
    public int StatusCode { get; }

    /// <summary>The key (for inserts without one, the server's generated key).</summary>
    public string? Key { get; }

    /// <summary>Why the operation failed; null on success (and on not found, see <see cref="NotFound"/>).</summary>
    public Exception? Error { get; }

    /// <summary>True when the operation did what it asked (a get/head of a missing object is not an error but <see cref="NotFound"/>).</summary>
    public bool Succeeded => Error is null;

    /// <summary>A get or head found no object.</summary>
    public bool NotFound => StatusCode == 404 && Error is null;

    /// <summary>The object's metadata, for a successful get or head.</summary>
    public ObjectMetadata? Metadata { get; init; }

    /// <summary>The object's bytes, for a successful get.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }
}
