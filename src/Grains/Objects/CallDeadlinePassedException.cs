namespace ObjectStore.Grains.Objects;

/// <summary>A mutation reached its grain after its caller's <see cref="CallDeadline"/>: refused, nothing applied; the caller retries.</summary>
[GenerateSerializer, Alias("objectstore.CallDeadlinePassedException")]
public sealed class CallDeadlinePassedException : InvalidOperationException
{
    /// <summary>The error for a call whose deadline was <paramref name="deadline"/>.</summary>
    public CallDeadlinePassedException(DateTimeOffset deadline)
        : base($"the call reached its mutation after its caller's deadline ({deadline:O}); the caller has given up or retried it, so it is not applied") { }
}
