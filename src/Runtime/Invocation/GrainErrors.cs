namespace ObjectStore.Runtime.Invocation;

/// <summary>
/// A grain call failed remotely with an exception the runtime does not re-create: carries the original type name
/// and message. ArgumentException (and subclasses, as ArgumentException), InvalidOperationException,
/// NotSupportedException, KeyNotFoundException, TimeoutException, OperationCanceledException and the runtime's own
/// exceptions cross silos as themselves; on local calls every exception reaches the caller unchanged.
/// </summary>
public sealed class GrainCallException(string originalTypeName, string message)
    : Exception($"{originalTypeName}: {message}")
{
    /// <summary>Full type name of the exception the grain threw.</summary>
    public string OriginalTypeName { get; } = originalTypeName;

    /// <summary>The original exception message.</summary>
    public string OriginalMessage { get; } = message;
}

/// <summary>The call's deadline (default 30 s, carried across hops) passed before it completed; its outcome is unknown.</summary>
public sealed class GrainTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// The call targets a grain already on its own call chain (a self-call, or A→B→A). Non-reentrant grains would wait
/// on themselves until the deadline, so the runtime fails such calls at once instead.
/// </summary>
public sealed class DeadlockException(string message) : InvalidOperationException(message);

/// <summary>The target silo could not be reached or died with the call in flight (if it was sent, its outcome is unknown).</summary>
public sealed class SiloUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The activation's bounded mailbox is full; the call was rejected without running (safe to retry later).</summary>
public sealed class MailboxFullException(string message) : Exception(message);
