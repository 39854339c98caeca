namespace ObjectStore.Grains.Objects;

/// <summary>
/// A commit named a large write the change log no longer holds open: never begun, aborted, held past the large-write hold,
/// or recovered after the silo that began it died, and the key does not point at its revision. The caller restarts the write.
/// </summary>
[GenerateSerializer, Alias("objectstore.UnknownLargeWriteException")]
public sealed class UnknownLargeWriteException : InvalidOperationException
{
    /// <summary>The error for <paramref name="changeId"/> on the grain keyed <paramref name="grainKey"/>.</summary>
    public UnknownLargeWriteException(Guid changeId, string grainKey)
        : base($"large write {changeId} is not open on object grain '{grainKey}': never begun, aborted, held too long, or recovered after its silo died; begin it again") { }
}
