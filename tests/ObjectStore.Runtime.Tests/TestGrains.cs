using System.Collections.Concurrent;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Tests;

/// <summary>Shared observations of the test grains, one per test.</summary>
public sealed class Tracker
{
    private int _instances;
    private int _reads;
    private int _workers;

    public int Overlaps;
    public int Calls;
    public int MaxReads;
    public int MaxWorkers;
    public int TimerTicks;
    public int TimerOverlaps;
    public int Activations;
    public readonly ConcurrentQueue<(string Key, DeactivationReasonCode Reason)> Deactivations = new();
    public readonly ConcurrentDictionary<string, int> ReminderTicks = new();
    public readonly ConcurrentDictionary<(string Reminder, DateTimeOffset Due), int> ReminderDeliveries = new();
    public readonly ConcurrentDictionary<string, bool> Cancelled = new();
    public readonly ConcurrentDictionary<string, int> Running = new();
    public readonly ConcurrentDictionary<string, int> Live = new();
    public int DoubleActivations;
    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int CurrentReads => Volatile.Read(ref _reads);
    public int CurrentWorkers => Volatile.Read(ref _workers);

    public void Open() => Gate.TrySetResult();

    public int NewInstance() => Interlocked.Increment(ref _instances);

    public void CountCall() => Interlocked.Increment(ref Calls);

    public void EnterRead()
    {
        var now = Interlocked.Increment(ref _reads);
        InterlockedMax(ref MaxReads, now);
    }

    public void LeaveRead() => Interlocked.Decrement(ref _reads);

    public void EnterWorker() => InterlockedMax(ref MaxWorkers, Interlocked.Increment(ref _workers));

    public void LeaveWorker() => Interlocked.Decrement(ref _workers);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

[GrainType("probe")]
public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> Instance(CancellationToken cancellationToken = default);
    Task<string> Silo(CancellationToken cancellationToken = default);
    Task<string> Echo(string text, CancellationToken cancellationToken = default);
    Task Enter(int delayMs, CancellationToken cancellationToken = default);
    [ReadOnly] Task Read(CancellationToken cancellationToken = default);
    Task Hang(CancellationToken cancellationToken = default);
    Task Block(CancellationToken cancellationToken = default);
    Task Fail(string kind, string message, CancellationToken cancellationToken = default);
    Task CallSelf(CancellationToken cancellationToken = default);
    Task CallVia(string otherKey, CancellationToken cancellationToken = default);
    Task CallBack(string key, CancellationToken cancellationToken = default);
    Task Leave(CancellationToken cancellationToken = default);
    /// <summary>Calls Hang on another key; its own deadline is 300 ms.</summary>
    Task HangVia(string otherKey, CancellationToken cancellationToken = default);
    Task StartTimer(int periodMs, CancellationToken cancellationToken = default);
    Task Remind(string name, int periodMs, CancellationToken cancellationToken = default);
    Task Forget(string name, CancellationToken cancellationToken = default);
    /// <summary>DelayDeactivation(10 min), or clears it with <paramref name="keep"/> false.</summary>
    Task KeepAlive(bool keep, CancellationToken cancellationToken = default);
}

public sealed class ProbeFailure(string message) : Exception(message);

public sealed class ProbeGrain(Tracker tracker, string siloId) : Grain, IProbeGrain, IRemindable
{
    private readonly int _instance = tracker.NewInstance();
    private int _inTimer;
    private int _inTurn;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (GrainKey.StartsWith("bad-", StringComparison.Ordinal)) throw new ProbeFailure($"{GrainKey} refuses to activate");
        Interlocked.Increment(ref tracker.Activations);
        if (tracker.Live.AddOrUpdate(GrainKey, 1, (_, n) => n + 1) > 1) Interlocked.Increment(ref tracker.DoubleActivations);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        tracker.Live.AddOrUpdate(GrainKey, 0, (_, n) => n - 1);
        tracker.Deactivations.Enqueue((GrainKey, reason.ReasonCode));
        return Task.CompletedTask;
    }

    public Task<int> Instance(CancellationToken cancellationToken) => Task.FromResult(_instance);

    public Task<string> Silo(CancellationToken cancellationToken) => Task.FromResult(siloId);

    public Task<string> Echo(string text, CancellationToken cancellationToken) => Task.FromResult(text);

    public async Task Enter(int delayMs, CancellationToken cancellationToken)
    {
        // Per activation: two activations of a key on different silos during a hand-over are allowed.
        tracker.CountCall();
        if (Interlocked.Increment(ref _inTurn) > 1) Interlocked.Increment(ref tracker.Overlaps);
        try
        {
            await Task.Delay(delayMs, cancellationToken);
            await Task.Yield();
        }
        finally
        {
            Interlocked.Decrement(ref _inTurn);
        }
    }

    public async Task Read(CancellationToken cancellationToken)
    {
        tracker.EnterRead();
        try { await tracker.Gate.Task.WaitAsync(cancellationToken); }
        finally { tracker.LeaveRead(); }
    }

    public async Task Hang(CancellationToken cancellationToken)
    {
        tracker.Running.AddOrUpdate(GrainKey, 1, (_, n) => n + 1);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            tracker.Cancelled[GrainKey] = cancellationToken.IsCancellationRequested;
        }
    }

    public async Task Block(CancellationToken cancellationToken)
    {
        tracker.Running.AddOrUpdate(GrainKey, 1, (_, n) => n + 1);
        await tracker.Gate.Task;
    }

    public Task Fail(string kind, string message, CancellationToken cancellationToken) => kind switch
    {
        "argument" => throw new ArgumentException(message),
        "invalid" => throw new InvalidOperationException(message),
        _ => throw new ProbeFailure(message),
    };

    public Task CallSelf(CancellationToken cancellationToken) => GrainFactory.GetGrain<IProbeGrain>(GrainKey).Echo("me", cancellationToken);

    public Task CallVia(string otherKey, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IProbeGrain>(otherKey).CallBack(GrainKey, cancellationToken);

    public Task CallBack(string key, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IProbeGrain>(key).Echo("back", cancellationToken);

    public Task HangVia(string otherKey, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IProbeGrain>(otherKey).Hang(cancellationToken);

    public Task Leave(CancellationToken cancellationToken)
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task KeepAlive(bool keep, CancellationToken cancellationToken)
    {
        DelayDeactivation(keep ? TimeSpan.FromMinutes(10) : TimeSpan.Zero);
        return Task.CompletedTask;
    }

    public Task StartTimer(int periodMs, CancellationToken cancellationToken)
    {
        RegisterTimer(async _ =>
        {
            if (Interlocked.Increment(ref _inTimer) > 1) Interlocked.Increment(ref tracker.TimerOverlaps);
            await Task.Delay(5);
            Interlocked.Increment(ref tracker.TimerTicks);
            Interlocked.Decrement(ref _inTimer);
        }, null, TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));
        return Task.CompletedTask;
    }

    public Task Remind(string name, int periodMs, CancellationToken cancellationToken) =>
        RegisterOrUpdateReminder(name, TimeSpan.Zero, TimeSpan.FromMilliseconds(periodMs));

    public Task Forget(string name, CancellationToken cancellationToken) => UnregisterReminder(name);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        tracker.ReminderTicks.AddOrUpdate($"{GrainKey}/{reminderName}", 1, (_, n) => n + 1);
        tracker.ReminderDeliveries.AddOrUpdate(($"{GrainKey}/{reminderName}", status.CurrentTickTime), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>The hand-written runtime description of <see cref="IProbeGrain"/> (the pattern of <see cref="GrainRequest"/>).</summary>
public sealed class ProbeGrainInterface : GrainInterface<IProbeGrain>
{
    public static readonly ProbeGrainInterface Instance = new();

    public override IProbeGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    public override GrainRequest? CreateRequest(ushort methodId) => methodId switch
    {
        1 => new InstanceRequest(),
        2 => new SiloRequest(),
        3 => new EchoRequest(),
        4 => new EnterRequest(),
        5 => new ReadRequest(),
        6 => new Plain(6, (g, ct) => g.Hang(ct)),
        7 => new Plain(7, (g, ct) => g.Block(ct)),
        8 => new FailRequest(),
        9 => new Plain(9, (g, ct) => g.CallSelf(ct)),
        10 => new KeyRequest(10),
        11 => new KeyRequest(11),
        12 => new Plain(12, (g, ct) => g.Leave(ct)),
        13 => new TimerRequest(),
        14 => new RemindRequest(),
        15 => new KeyRequest(15),
        16 => new KeyRequest(16),
        17 => new Plain(17, (g, ct) => g.KeepAlive(true, ct)),
        18 => new Plain(18, (g, ct) => g.KeepAlive(false, ct)),
        _ => null,
    };

    private sealed class Proxy(GrainReference r) : IProbeGrain
    {
        public Task<int> Instance(CancellationToken ct) => r.InvokeAsync(new InstanceRequest(), ct);
        public Task<string> Silo(CancellationToken ct) => r.InvokeAsync(new SiloRequest(), ct);
        public Task<string> Echo(string text, CancellationToken ct) => r.InvokeAsync(new EchoRequest { Text = text }, ct);
        public Task Enter(int delayMs, CancellationToken ct) => r.InvokeAsync(new EnterRequest { DelayMs = delayMs }, ct);
        public Task Read(CancellationToken ct) => r.InvokeAsync(new ReadRequest(), ct);
        public Task Hang(CancellationToken ct) => r.InvokeAsync(new Plain(6, (g, c) => g.Hang(c)), ct);
        public Task Block(CancellationToken ct) => r.InvokeAsync(new Plain(7, (g, c) => g.Block(c)), ct);
        public Task Fail(string kind, string message, CancellationToken ct) => r.InvokeAsync(new FailRequest { Kind = kind, Message = message }, ct);
        public Task CallSelf(CancellationToken ct) => r.InvokeAsync(new Plain(9, (g, c) => g.CallSelf(c)), ct);
        public Task CallVia(string otherKey, CancellationToken ct) => r.InvokeAsync(new KeyRequest(10) { Key = otherKey }, ct);
        public Task CallBack(string key, CancellationToken ct) => r.InvokeAsync(new KeyRequest(11) { Key = key }, ct);
        public Task Leave(CancellationToken ct) => r.InvokeAsync(new Plain(12, (g, c) => g.Leave(c)), ct);
        public Task StartTimer(int periodMs, CancellationToken ct) => r.InvokeAsync(new TimerRequest { PeriodMs = periodMs }, ct);
        public Task Remind(string name, int periodMs, CancellationToken ct) => r.InvokeAsync(new RemindRequest { Name = name, PeriodMs = periodMs }, ct);
        public Task Forget(string name, CancellationToken ct) => r.InvokeAsync(new KeyRequest(15) { Key = name }, ct);
        public Task HangVia(string otherKey, CancellationToken ct) => r.InvokeAsync(new KeyRequest(16) { Key = otherKey }, ct);
        public Task KeepAlive(bool keep, CancellationToken ct) =>
            keep ? r.InvokeAsync(new Plain(17, (g, c) => g.KeepAlive(true, c)), ct) : r.InvokeAsync(new Plain(18, (g, c) => g.KeepAlive(false, c)), ct);
    }

    private sealed class InstanceRequest : GrainRequest<int>
    {
        public override ushort MethodId => 1;
        protected override Task<int> Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Instance(ct);
        protected override void WriteResult(ref GrainWriter w, int result) => w.WriteInt32(result);
        protected override int ReadResult(ref GrainReader r) => r.ReadInt32();
    }

    private sealed class SiloRequest : GrainRequest<string>
    {
        public override ushort MethodId => 2;
        protected override Task<string> Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Silo(ct);
        protected override void WriteResult(ref GrainWriter w, string result) => w.WriteString(result);
        protected override string ReadResult(ref GrainReader r) => r.ReadRequiredString();
    }

    private sealed class EchoRequest : GrainRequest<string>
    {
        public string Text = "";
        public override ushort MethodId => 3;
        public override void WriteArguments(ref GrainWriter w) => w.WriteString(Text);
        public override void ReadArguments(ref GrainReader r) => Text = r.ReadRequiredString();
        protected override Task<string> Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Echo(Text, ct);
        protected override void WriteResult(ref GrainWriter w, string result) => w.WriteString(result);
        protected override string ReadResult(ref GrainReader r) => r.ReadRequiredString();
    }

    private sealed class EnterRequest : VoidGrainRequest
    {
        public int DelayMs;
        public override ushort MethodId => 4;
        public override void WriteArguments(ref GrainWriter w) => w.WriteInt32(DelayMs);
        public override void ReadArguments(ref GrainReader r) => DelayMs = r.ReadInt32();
        protected override Task Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Enter(DelayMs, ct);
    }

    private sealed class ReadRequest : VoidGrainRequest
    {
        public override ushort MethodId => 5;
        public override bool IsReadOnly => true;
        protected override Task Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Read(ct);
    }

    /// <summary>Methods without arguments or result share one request class (id and call).</summary>
    private sealed class Plain(ushort id, Func<IProbeGrain, CancellationToken, Task> call) : VoidGrainRequest
    {
        public override ushort MethodId => id;
        protected override Task Invoke(object grain, CancellationToken ct) => call((IProbeGrain)grain, ct);
    }

    private sealed class FailRequest : VoidGrainRequest
    {
        public string Kind = "", Message = "";
        public override ushort MethodId => 8;
        public override void WriteArguments(ref GrainWriter w)
        {
            w.WriteString(Kind);
            w.WriteString(Message);
        }
        public override void ReadArguments(ref GrainReader r)
        {
            Kind = r.ReadRequiredString();
            Message = r.ReadRequiredString();
        }
        protected override Task Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Fail(Kind, Message, ct);
    }

    private sealed class KeyRequest(ushort id) : VoidGrainRequest
    {
        public string Key = "";
        public override ushort MethodId => id;
        public override TimeSpan? ResponseTimeout => id == 16 ? TimeSpan.FromMilliseconds(300) : null;
        public override void WriteArguments(ref GrainWriter w) => w.WriteString(Key);
        public override void ReadArguments(ref GrainReader r) => Key = r.ReadRequiredString();
        protected override Task Invoke(object grain, CancellationToken ct) => id switch
        {
            10 => ((IProbeGrain)grain).CallVia(Key, ct),
            11 => ((IProbeGrain)grain).CallBack(Key, ct),
            16 => ((IProbeGrain)grain).HangVia(Key, ct),
            _ => ((IProbeGrain)grain).Forget(Key, ct),
        };
    }

    private sealed class TimerRequest : VoidGrainRequest
    {
        public int PeriodMs;
        public override ushort MethodId => 13;
        public override void WriteArguments(ref GrainWriter w) => w.WriteInt32(PeriodMs);
        public override void ReadArguments(ref GrainReader r) => PeriodMs = r.ReadInt32();
        protected override Task Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).StartTimer(PeriodMs, ct);
    }

    private sealed class RemindRequest : VoidGrainRequest
    {
        public string Name = "";
        public int PeriodMs;
        public override ushort MethodId => 14;
        public override void WriteArguments(ref GrainWriter w)
        {
            w.WriteString(Name);
            w.WriteInt32(PeriodMs);
        }
        public override void ReadArguments(ref GrainReader r)
        {
            Name = r.ReadRequiredString();
            PeriodMs = r.ReadInt32();
        }
        protected override Task Invoke(object grain, CancellationToken ct) => ((IProbeGrain)grain).Remind(Name, PeriodMs, ct);
    }
}

[GrainType("worker")]
public interface IWorkerGrain : IGrainWithStringKey
{
    Task Work(CancellationToken cancellationToken = default);
}

[StatelessWorker(3)]
public sealed class WorkerGrain(Tracker tracker) : Grain, IWorkerGrain
{
    public async Task Work(CancellationToken cancellationToken)
    {
        tracker.EnterWorker();
        try { await tracker.Gate.Task.WaitAsync(cancellationToken); }
        finally { tracker.LeaveWorker(); }
    }
}

public sealed class WorkerGrainInterface : GrainInterface<IWorkerGrain>
{
    public static readonly WorkerGrainInterface Instance = new();

    public override IWorkerGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    public override GrainRequest? CreateRequest(ushort methodId) => methodId == 1 ? new WorkRequest() : null;

    private sealed class Proxy(GrainReference r) : IWorkerGrain
    {
        public Task Work(CancellationToken ct) => r.InvokeAsync(new WorkRequest(), ct);
    }

    private sealed class WorkRequest : VoidGrainRequest
    {
        public override ushort MethodId => 1;
        protected override Task Invoke(object grain, CancellationToken ct) => ((IWorkerGrain)grain).Work(ct);
    }
}

/// <summary>The empty-call grain of the ping benchmark.</summary>
[GrainType("ping")]
public interface IPingGrain : IGrainWithStringKey
{
    ValueTask Ping(CancellationToken cancellationToken = default);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public ValueTask Ping(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class PingGrainInterface : GrainInterface<IPingGrain>
{
    public static readonly PingGrainInterface Instance = new();

    public override IPingGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    public override GrainRequest? CreateRequest(ushort methodId) => methodId == 1 ? new PingRequest() : null;

    private sealed class Proxy(GrainReference r) : IPingGrain
    {
        public ValueTask Ping(CancellationToken ct) => new(r.InvokeAsync(new PingRequest(), ct));
    }

    private sealed class PingRequest : VoidGrainRequest
    {
        public override ushort MethodId => 1;
        protected override Task Invoke(object grain, CancellationToken ct) => ((IPingGrain)grain).Ping(ct).AsTask();
    }
}
