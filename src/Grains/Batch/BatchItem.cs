namespace ObjectStore.Grains.Batch;

/// <summary>
/// One input item of a batch: an operation to run, or a part the HTTP layer already failed (bad kind or key,
/// payload too large, over the operation limit, rate-limited, forbidden …), which passes through as its result.
/// </summary>
public sealed class BatchItem
{
    private BatchItem(BatchOperation? operation, BatchResult? error)
    {
        Operation = operation;
        Error = error;
    }

    /// <summary>The operation to run; null for a pre-failed item.</summary>
    public BatchOperation? Operation { get; }

    /// <summary>The error result of a pre-failed item; null for an operation.</summary>
    public BatchResult? Error { get; }

    /// <summary>The part's index.</summary>
    public int Index => Operation?.Index ?? Error!.Index;

    /// <summary>An operation to run.</summary>
    public static BatchItem Run(BatchOperation operation) => new(operation ?? throw new ArgumentNullException(nameof(operation)), null);

    /// <summary>A part that failed before execution: status <paramref name="status"/> with <paramref name="message"/>.</summary>
    public static BatchItem Failed(int index, int status, string message) => new(null, BatchResult.Failure(index, status, message));

    /// <summary>An operation to run.</summary>
    public static implicit operator BatchItem(BatchOperation operation) => Run(operation);
}
