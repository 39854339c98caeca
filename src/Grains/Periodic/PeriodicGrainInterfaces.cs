using ObjectStore.Grains.Expiry;
using ObjectStore.Grains.Recovery;
using ObjectStore.Grains.Sweep;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Grains.Periodic;

/// <summary>
/// The runtime description shared by the maintenance grains: method 1 is <see cref="IPeriodicGrain.EnsureReminder"/>,
/// method 2 runs the grain now and answers with its run totals, written as a list of counters.
/// </summary>
public abstract class PeriodicGrainInterface<TInterface, TRun> : GrainInterface<TInterface>
    where TInterface : class, IPeriodicGrain
{
    /// <inheritdoc/>
    public sealed override GrainRequest? CreateRequest(ushort methodId) => methodId switch
    {
        EnsureReminderRequest.Id => new EnsureReminderRequest(),
        RunRequest.Id => new RunRequest(this),
        _ => null,
    };

    /// <summary>Calls the grain's run method.</summary>
    protected abstract Task<TRun> Run(TInterface grain, CancellationToken cancellationToken);

    /// <summary>The run's counters in wire order.</summary>
    protected abstract int[] Counters(TRun run);

    /// <summary>A run from counters in wire order.</summary>
    protected abstract TRun FromCounters(int[] counters);

    /// <summary>The proxy side of method 1.</summary>
    protected static Task InvokeEnsureReminder(GrainReference reference, CancellationToken cancellationToken) =>
        reference.InvokeAsync(new EnsureReminderRequest(), cancellationToken);

    /// <summary>The proxy side of method 2.</summary>
    protected Task<TRun> InvokeRun(GrainReference reference, CancellationToken cancellationToken) =>
        reference.InvokeAsync(new RunRequest(this), cancellationToken);

    private sealed class EnsureReminderRequest : VoidGrainRequest
    {
        public const ushort Id = 1;
        public override ushort MethodId => Id;
        public override string MethodName => "EnsureReminder";
        protected override Task Invoke(object grain, CancellationToken ct) => ((IPeriodicGrain)grain).EnsureReminder(ct);
    }

    private sealed class RunRequest(PeriodicGrainInterface<TInterface, TRun> owner) : GrainRequest<TRun>
    {
        public const ushort Id = 2;
        public override ushort MethodId => Id;
        public override string MethodName => "Run";
        protected override Task<TRun> Invoke(object grain, CancellationToken ct) => owner.Run((TInterface)grain, ct);

        protected override void WriteResult(ref GrainWriter w, TRun result)
        {
            var counters = owner.Counters(result);
            w.WriteInt32(counters.Length);
            foreach (var c in counters) w.WriteInt32(c);
        }

        protected override TRun ReadResult(ref GrainReader r)
        {
            var count = r.ReadInt32();
            if (count < 0 || count > r.Remaining / 4) throw new InvalidDataException($"run result with {count} counters");
            var counters = new int[count];
            for (var i = 0; i < count; i++) counters[i] = r.ReadInt32();
            return owner.FromCounters(counters);
        }
    }
}

/// <summary>The hand-written runtime description of <see cref="IChangeLogGrain"/>.</summary>
public sealed class ChangeLogGrainInterface : PeriodicGrainInterface<IChangeLogGrain, RecoveryRun>
{
    /// <summary>The shared instance.</summary>
    public static readonly ChangeLogGrainInterface Instance = new();

    /// <inheritdoc/>
    public override IChangeLogGrain CreateProxy(GrainReference reference) => new Proxy(this, reference);

    /// <inheritdoc/>
    protected override Task<RecoveryRun> Run(IChangeLogGrain grain, CancellationToken cancellationToken) => grain.RecoverNow(cancellationToken);

    /// <inheritdoc/>
    protected override int[] Counters(RecoveryRun run) => [run.Batches, run.Claimed, run.Cleaned, run.BlobDeletes, run.Failed];

    /// <inheritdoc/>
    protected override RecoveryRun FromCounters(int[] c) => new() { Batches = c[0], Claimed = c[1], Cleaned = c[2], BlobDeletes = c[3], Failed = c[4] };

    private sealed class Proxy(ChangeLogGrainInterface owner, GrainReference r) : IChangeLogGrain
    {
        public Task EnsureReminder(CancellationToken ct) => InvokeEnsureReminder(r, ct);
        public Task<RecoveryRun> RecoverNow(CancellationToken ct) => owner.InvokeRun(r, ct);
    }
}

/// <summary>The hand-written runtime description of <see cref="IExpiryGrain"/>.</summary>
public sealed class ExpiryGrainInterface : PeriodicGrainInterface<IExpiryGrain, ExpiryRun>
{
    /// <summary>The shared instance.</summary>
    public static readonly ExpiryGrainInterface Instance = new();

    /// <inheritdoc/>
    public override IExpiryGrain CreateProxy(GrainReference reference) => new Proxy(this, reference);

    /// <inheritdoc/>
    protected override Task<ExpiryRun> Run(IExpiryGrain grain, CancellationToken cancellationToken) => grain.PurgeNow(cancellationToken);

    /// <inheritdoc/>
    protected override int[] Counters(ExpiryRun run) => [run.Batches, run.InlineDeleted, run.TombstonesDeleted, run.Skipped];

    /// <inheritdoc/>
    protected override ExpiryRun FromCounters(int[] c) => new() { Batches = c[0], InlineDeleted = c[1], TombstonesDeleted = c[2], Skipped = c[3] };

    private sealed class Proxy(ExpiryGrainInterface owner, GrainReference r) : IExpiryGrain
    {
        public Task EnsureReminder(CancellationToken ct) => InvokeEnsureReminder(r, ct);
        public Task<ExpiryRun> PurgeNow(CancellationToken ct) => owner.InvokeRun(r, ct);
    }
}

/// <summary>The hand-written runtime description of <see cref="IOrphanSweepGrain"/>.</summary>
public sealed class OrphanSweepGrainInterface : PeriodicGrainInterface<IOrphanSweepGrain, OrphanSweepRun>
{
    /// <summary>The shared instance.</summary>
    public static readonly OrphanSweepGrainInterface Instance = new();

    /// <inheritdoc/>
    public override IOrphanSweepGrain CreateProxy(GrainReference reference) => new Proxy(this, reference);

    /// <inheritdoc/>
    protected override Task<OrphanSweepRun> Run(IOrphanSweepGrain grain, CancellationToken cancellationToken) => grain.SweepNow(cancellationToken);

    /// <inheritdoc/>
    protected override int[] Counters(OrphanSweepRun run) =>
        [run.Listed, run.Young, run.Live, run.Unrecognized, run.Orphaned, run.Deleted, run.Failed, run.UploadsAborted, run.ElapsedMs, run.Completed ? 1 : 0];

    /// <inheritdoc/>
    protected override OrphanSweepRun FromCounters(int[] c) => new()
    {
        Listed = c[0], Young = c[1], Live = c[2], Unrecognized = c[3], Orphaned = c[4], Deleted = c[5], Failed = c[6], UploadsAborted = c[7], ElapsedMs = c[8], Completed = c[9] != 0,
    };

    private sealed class Proxy(OrphanSweepGrainInterface owner, GrainReference r) : IOrphanSweepGrain
    {
        public Task EnsureReminder(CancellationToken ct) => InvokeEnsureReminder(r, ct);
        public Task<OrphanSweepRun> SweepNow(CancellationToken ct) => owner.InvokeRun(r, ct);
    }
}
