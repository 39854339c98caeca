namespace ObjectStore.Grains.Batch;

/// <summary>
/// Runs one batch operation against the store (ObjectGrains in production, fakes in tests). It takes no
/// cancellation token on purpose: an operation that started runs to completion even when the caller of the
/// batch went away (DESIGN invariant 5); only its own grain-call deadline bounds it.
/// </summary>
public interface IBatchOperationRunner
{
    /// <summary>The operation's result; may throw, which fails this operation only (500).</summary>
    Task<BatchResult> RunAsync(BatchOperation operation);
}
