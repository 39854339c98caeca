namespace ObjectStore.Runtime.Invocation;

/// <summary>
/// The ambient context of a running grain turn: the call chain (including the running grain) and the deadline
/// that outbound calls inherit. Flows with the ExecutionContext; absent outside grain turns.
/// </summary>
internal sealed class CallContext(ulong[] chain, long deadlineMs)
{
    private static readonly AsyncLocal<CallContext?> s_current = new();

    public static CallContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public ulong[] Chain { get; } = chain;

    public long DeadlineMs { get; } = deadlineMs;

    public static ulong[] Extend(ulong[] chain, ulong hash)
    {
        var next = new ulong[chain.Length + 1];
        chain.CopyTo(next, 0);
        next[^1] = hash;
        return next;
    }
}
