using ObjectStore.Runtime.Diagnostics;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Runtime.Invocation;

/// <summary>
/// One grain call in flight on this silo: the request, its call chain, its deadline and the cancellation that
/// fires at the deadline (or when the caller gives up). Completes exactly once, with the result on the request or
/// an exception; completion at the deadline does not wait for the grain, whose token is cancelled.
/// </summary>
internal sealed class GrainCall : TaskCompletionSource
{
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _registration;

    public GrainCall(GrainId id, GrainRequest? request, ulong[] chain, long deadlineMs, CancellationToken callerToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Id = id;
        Request = request;
        Chain = chain;
        DeadlineMs = deadlineMs;
        _callerToken = callerToken;
        _cts = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken) : new CancellationTokenSource();
        var remaining = deadlineMs - Environment.TickCount64;
        if (remaining <= 0) _cts.Cancel();
        else _cts.CancelAfter(TimeSpan.FromMilliseconds(remaining));
        _registration = _cts.Token.UnsafeRegister(static s => ((GrainCall)s!).OnCancelled(), this);
    }

    public GrainId Id { get; }

    /// <summary>The request; null for a timer tick.</summary>
    public GrainRequest? Request { get; }

    /// <summary>A timer callback run as a turn (instead of a request).</summary>
    public Func<Task>? TimerTick { get; init; }

    /// <summary>Hashes of the grains whose turns wait on this call, outermost first.</summary>
    public ulong[] Chain { get; }

    /// <summary>Deadline on the <see cref="Environment.TickCount64"/> clock.</summary>
    public long DeadlineMs { get; }

    public CancellationToken Token => _cts.Token;

    public bool IsReadOnly => Request?.IsReadOnly ?? false;

    public string MethodName => Request?.MethodName ?? "timer";

    /// <summary>Remaining budget in milliseconds (0 when expired).</summary>
    public long RemainingMs => Math.Max(0, DeadlineMs - Environment.TickCount64);

    /// <summary>The activation the call was handed to, if any (set on its scheduler).</summary>
    public object? Target { get; set; }

    /// <summary>A call from the current context (grain turn or outside) to <paramref name="id"/>: inherits chain and deadline.</summary>
    public static GrainCall Create(GrainId id, GrainRequest request, TimeSpan defaultTimeout, CancellationToken callerToken)
    {
        var now = Environment.TickCount64;
        var deadline = now + (long)(request.ResponseTimeout ?? defaultTimeout).TotalMilliseconds;
        ulong[] chain = [];
        if (CallContext.Current is { } context)
        {
            deadline = Math.Min(deadline, context.DeadlineMs);
            chain = context.Chain;
            if (Array.IndexOf(chain, id.Hash) >= 0)
                throw new DeadlockException($"Call to {id}.{request.MethodName} would wait on its own call chain (self-call or A→B→A); non-reentrant grains fail such calls at once.");
        }
        return new GrainCall(id, request, chain, deadline, callerToken);
    }

    /// <summary>Completes with <paramref name="error"/>, turning deadline cancellations into <see cref="GrainTimeoutException"/>.</summary>
    public void Fail(Exception error)
    {
        if (error is OperationCanceledException && _cts.IsCancellationRequested) OnCancelled();
        else TrySetException(error);
    }

    /// <summary>Frees the deadline timer; called by the caller once the call completed.</summary>
    public void Release()
    {
        _registration.Dispose();
        _cts.Dispose();
    }

    private void OnCancelled()
    {
        if (_callerToken.IsCancellationRequested)
        {
            TrySetCanceled(_callerToken);
        }
        else if (TrySetException(new GrainTimeoutException($"Call to {Id}.{MethodName} passed its deadline before completing; its outcome is unknown.")))
        {
            RuntimeMetrics.DeadlineExpired.Add(1);
        }
    }
}
