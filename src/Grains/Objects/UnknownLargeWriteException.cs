namespace ObjectStore.Grains.Objects;

/// <summary>
/// A commit named a large write this activation does not hold: never begun here, already committed or aborted, or
/// abandoned after <see cref="ObjectGrainOptions.LargeWriteTimeout"/> or a deactivation. The caller restarts the write.
/// </summary>
[GenerateSerializer, Alias("objectstore.UnknownLargeWriteException")]
public sealed class UnknownLargeWriteException : InvalidOperationException
{
    /// <summary>The error for <paramref name="changeId"/> on the grain keyed <paramref name="grainKey"/>.</summary>
    public UnknownLargeWriteException(Guid changeId, string grainKey)
        : base($"large write {changeId} is not open on object grain '{grainKey}': never begun here, already finished, or abandoned (timeout or deactivation); begin it again") { }
}
