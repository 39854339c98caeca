using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ObjectStore.Runtime.Diagnostics;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Activations;

/// <summary>
/// One activation of a grain on this silo: the grain instance, its mailbox and its turn scheduler.
/// Mailbox rules, all applied on the activation's own scheduler (so no locks):
/// 1. The first enqueued call starts activation (OnActivateAsync); calls queue meanwhile.
/// 2. A request holds the activation until its task completes (across awaits): non-reentrant. Read-only requests
///    may start while only read-only requests run.
/// 3. Calls whose deadline passed while queued are dropped (their callers already got a timeout).
/// 4. Deactivation (idle, budget, DeactivateOnIdle, shutdown) waits for running requests, stops starting new ones,
///    runs OnDeactivateAsync within its timeout, then hands queued calls back to the silo to route afresh.
/// </summary>
internal sealed class Activation
{
    private const int Created = 0, Activating = 1, Valid = 2, Deactivating = 3, Deactivated = 4;

    private static readonly SendOrPostCallback s_onEnqueued = static s =>
    {
        var call = (GrainCall)s!;
        ((Activation)call.Target!).OnEnqueued(call);
    };

    private readonly ActivationScheduler _scheduler = new();
    private readonly Queue<GrainCall> _pending = new();
    private readonly List<GrainCall> _runningCalls = [];
    private readonly ulong[] _selfChain;
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Grain? _grain;
    private int _state;
    private int _running;
    private bool _runningReadOnly;
    private bool _pumping;
    private DeactivationReason? _deactivation;
    private int _load;
    private long _lastActivityMs = Environment.TickCount64;

    public Activation(GrainId id, GrainTypeInfo type, SiloRuntime runtime, StatelessWorkerPool? pool)
    {
        Id = id;
        Type = type;
        Runtime = runtime;
        Pool = pool;
        _selfChain = [id.Hash];
    }

    public GrainId Id { get; }

    public GrainTypeInfo Type { get; }

    public SiloRuntime Runtime { get; }

    public StatelessWorkerPool? Pool { get; }

    /// <summary>Calls queued or running (readable from any thread).</summary>
    public int Load => Volatile.Read(ref _load);

    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    private long _keepAliveUntilMs;

    /// <summary>
    /// Keeps the activation from idle and budget collection until <paramref name="duration"/> from now
    /// (Orleans' <c>DelayDeactivation</c>); zero or negative clears the floor. Shutdown and explicit
    /// deactivation still apply.
    /// </summary>
    public void DelayDeactivation(TimeSpan duration) =>
        Volatile.Write(ref _keepAliveUntilMs, duration <= TimeSpan.Zero ? 0 : Environment.TickCount64 + (long)duration.TotalMilliseconds);

    public bool IsDeactivated => Volatile.Read(ref _state) == Deactivated;

    /// <summary>Completes when the activation has left the catalog.</summary>
    public Task Gone => _deactivated.Task;

    /// <summary>Hands a call to this activation; false when it already left (route the call afresh).</summary>
    public bool TryEnqueue(GrainCall call)
    {
        if (IsDeactivated) return false;
        var load = Interlocked.Increment(ref _load);
        if (Type.MailboxCapacity > 0 && load > Type.MailboxCapacity && call.Request is not null)
        {
            Interlocked.Decrement(ref _load);
            call.Fail(new MailboxFullException($"Mailbox of {Id} is full ({Type.MailboxCapacity} calls); retry later."));
            return true;
        }
        RuntimeMetrics.MailboxLength.Add(1);
        call.Target = this;
        _scheduler.Post(s_onEnqueued, call);
        return true;
    }

    /// <summary>Asks the activation to leave; with <paramref name="idleAgeMs"/> only if it is still idle that long.</summary>
    public void RequestDeactivation(DeactivationReason reason, long idleAgeMs = -1)
    {
        if (SynchronizationContext.Current == _scheduler) BeginDeactivation(reason, idleAgeMs);
        else _scheduler.Post(static s =>
        {
            var (activation, r, age) = ((Activation, DeactivationReason, long))s!;
            activation.BeginDeactivation(r, age);
        }, (this, reason, idleAgeMs));
    }

    /// <summary>Drops the activation without running OnDeactivateAsync (silo killed, fenced or forced to stop): queued and running calls fail.</summary>
    public void Abandon(Exception error) => _scheduler.Post(static s =>
    {
        var (activation, e) = ((Activation, Exception))s!;
        activation.DisposeTimers();
        foreach (var call in activation._runningCalls) call.TrySetException(e);
        activation.Finish(e);
    }, (this, error));

    public IDisposable RegisterTimer(Func<object?, Task> callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, state, dueTime, period);
        lock (_timers) _timers.Add(timer);
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_timers) _timers.Remove(timer);
    }

    private void OnEnqueued(GrainCall call)
    {
        if (_state == Deactivated)
        {
            Dequeued();
            Runtime.Redispatch(call);
            return;
        }
        _pending.Enqueue(call);
        Pump();
    }

    private void Pump()
    {
        if (_state == Created)
        {
            _state = Activating;
            _ = ActivateAsync();
            return;
        }
        if (_state != Valid) return;
        if (_deactivation is not null)
        {
            if (_running == 0) _ = DeactivateAsync(_deactivation.Value);
            return;
        }
        _pumping = true;
        try
        {
            while (_pending.TryPeek(out var head))
            {
                if (head.Task.IsCompleted)
                {
                    _pending.Dequeue();
                    Dequeued();
                    continue;
                }
                if (_running > 0 && !(head.IsReadOnly && _runningReadOnly)) break;
                _pending.Dequeue();
                RuntimeMetrics.MailboxLength.Add(-1);
                _running++;
                _runningReadOnly = head.IsReadOnly;
                _ = RunAsync(head);
                if (_deactivation is not null) break;
            }
        }
        finally
        {
            _pumping = false;
        }
        if (_deactivation is not null && _running == 0) _ = DeactivateAsync(_deactivation.Value);
    }

    private async Task RunAsync(GrainCall call)
    {
        var started = Stopwatch.GetTimestamp();
        if (call.Request is not null) Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
        CallContext.Current = new CallContext(call.Chain.Length == 0 ? _selfChain : CallContext.Extend(call.Chain, Id.Hash), call.DeadlineMs);
        _runningCalls.Add(call);
        try
        {
            if (call.TimerTick is { } tick) await tick();
            else await call.Request!.RunAsync(_grain!, call.Token);
            call.TrySetResult();
        }
        catch (Exception e)
        {
            call.Fail(e);
        }
        finally
        {
            _runningCalls.Remove(call);
            _running--;
            Interlocked.Decrement(ref _load);
            if (call.Request is not null)
            {
                Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
                RuntimeMetrics.RecordCall(Type.MetricTag, call.Request.MethodName, Stopwatch.GetElapsedTime(started));
            }
            if (!_pumping) Pump();
        }
    }

    private async Task ActivateAsync()
    {
        var chain = _pending.TryPeek(out var first) ? first.Chain : [];
        var timeout = Runtime.Options.ActivationTimeout;
        CallContext.Current = new CallContext(CallContext.Extend(chain, Id.Hash), Environment.TickCount64 + (long)timeout.TotalMilliseconds);
        try
        {
            _grain = Type.Factory();
            _grain.Attach(this);
            using var cts = new CancellationTokenSource(timeout);
            await _grain.OnActivateAsync(cts.Token).WaitAsync(timeout);
        }
        catch (Exception e)
        {
            Runtime.Logger.LogWarning(e, "Activation of {GrainId} failed", Id);
            Finish(e is TimeoutException ? new TimeoutException($"Activation of {Id} did not finish within {timeout}.", e) : e);
            return;
        }
        _state = Valid;
        RuntimeMetrics.Activations.Add(1, Type.MetricTag);
        Pump();
    }

    private void BeginDeactivation(DeactivationReason reason, long idleAgeMs)
    {
        if (_state >= Deactivating || _deactivation is not null) return;
        if (idleAgeMs >= 0 && (_running > 0 || _pending.Count > 0 || Environment.TickCount64 - LastActivityMs < idleAgeMs
            || Environment.TickCount64 < Volatile.Read(ref _keepAliveUntilMs))) return;
        if (_state == Created)
        {
            Finish(null);
            return;
        }
        _deactivation = reason;
        if (_state == Valid && !_pumping) Pump();
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        _state = Deactivating;
        DisposeTimers();
        var timeout = Runtime.Options.DeactivationTimeout;
        CallContext.Current = new CallContext(_selfChain, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await _grain!.OnDeactivateAsync(reason, cts.Token).WaitAsync(timeout);
        }
        catch (Exception e)
        {
            Runtime.Logger.LogWarning(e, "OnDeactivateAsync of {GrainId} failed ({Reason})", Id, reason.ReasonCode);
        }
        RuntimeMetrics.Activations.Add(-1, Type.MetricTag);
        Finish(null);
    }

    /// <summary>Leaves the catalog; queued calls fail with <paramref name="error"/> or, without one, are routed afresh.</summary>
    private void Finish(Exception? error)
    {
        if (_state == Deactivated) return;
        if (error is not null && _state == Valid) RuntimeMetrics.Activations.Add(-1, Type.MetricTag);
        Volatile.Write(ref _state, Deactivated);
        Runtime.Catalog.Remove(this);
        while (_pending.TryDequeue(out var call))
        {
            Dequeued();
            if (error is null) Runtime.Redispatch(call);
            else call.Fail(error);
        }
        _deactivated.TrySetResult();
    }

    private void Dequeued()
    {
        Interlocked.Decrement(ref _load);
        RuntimeMetrics.MailboxLength.Add(-1);
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_timers) timers = [.. _timers];
        foreach (var timer in timers) timer.Dispose();
    }
}
