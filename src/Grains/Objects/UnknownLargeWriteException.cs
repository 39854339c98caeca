namespace ObjectStore.Grains.Objects;

/// <summary>
/// A commit named a large write this activation does not hold: never begun here, already committed or aborted, or
/// abandoned after <see cref="ObjectGrainOptions.LargeWriteTimeout"/> or a deactivation. Crosses silos as
/// <see cref="InvalidOperationException"/>. The caller restarts the write.
/// </summary>
public sealed class UnknownLargeWriteException(Guid changeId, string grainKey)
    : InvalidOperationException($"large write {changeId} is not open on object grain '{grainKey}': never begun here, already finished, or abandoned (timeout or deactivation); begin it again");
