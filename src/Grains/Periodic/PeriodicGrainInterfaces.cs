using ObjectStore.Grains.Expiry;
using ObjectStore.Grains.Recovery;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Grains.Periodic;

/// <summary>The hand-written runtime description of <see cref="IChangeLogGrain"/>.</summary>
public sealed class ChangeLogGrainInterface : GrainInterface<IChangeLogGrain>
{
    /// <summary>The shared instance.</summary>
    public static readonly ChangeLogGrainInterface Instance = new();

    /// <inheritdoc/>
    public override IChangeLogGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    /// <inheritdoc/>
    public override GrainRequest? CreateRequest(ushort methodId) => methodId switch
    {
        EnsureReminderRequest.Id => new EnsureReminderRequest(),
        RecoverNowRequest.Id => new RecoverNowRequest(),
        _ => null,
    };

    private sealed class Proxy(GrainReference r) : IChangeLogGrain
    {
        public Task EnsureReminder(CancellationToken ct) => r.InvokeAsync(new EnsureReminderRequest(), ct);
        public Task<RecoveryRun> RecoverNow(CancellationToken ct) => r.InvokeAsync(new RecoverNowRequest(), ct);
    }

    private sealed class RecoverNowRequest : GrainRequest<RecoveryRun>
    {
        public const ushort Id = 2;
        public override ushort MethodId => Id;
        public override string MethodName => "RecoverNow";
        protected override Task<RecoveryRun> Invoke(object grain, CancellationToken ct) => ((IChangeLogGrain)grain).RecoverNow(ct);

        protected override void WriteResult(ref GrainWriter w, RecoveryRun result)
        {
            w.WriteInt32(result.Batches);
            w.WriteInt32(result.Claimed);
            w.WriteInt32(result.Cleaned);
            w.WriteInt32(result.BlobDeletes);
            w.WriteInt32(result.Failed);
        }

        protected override RecoveryRun ReadResult(ref GrainReader r) => new()
        {
            Batches = r.ReadInt32(),
            Claimed = r.ReadInt32(),
            Cleaned = r.ReadInt32(),
            BlobDeletes = r.ReadInt32(),
            Failed = r.ReadInt32(),
        };
    }
}

/// <summary>The hand-written runtime description of <see cref="IExpiryGrain"/>.</summary>
public sealed class ExpiryGrainInterface : GrainInterface<IExpiryGrain>
{
    /// <summary>The shared instance.</summary>
    public static readonly ExpiryGrainInterface Instance = new();

    /// <inheritdoc/>
    public override IExpiryGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    /// <inheritdoc/>
    public override GrainRequest? CreateRequest(ushort methodId) => methodId switch
    {
        EnsureReminderRequest.Id => new EnsureReminderRequest(),
        PurgeNowRequest.Id => new PurgeNowRequest(),
        _ => null,
    };

    private sealed class Proxy(GrainReference r) : IExpiryGrain
    {
        public Task EnsureReminder(CancellationToken ct) => r.InvokeAsync(new EnsureReminderRequest(), ct);
        public Task<ExpiryRun> PurgeNow(CancellationToken ct) => r.InvokeAsync(new PurgeNowRequest(), ct);
    }

    private sealed class PurgeNowRequest : GrainRequest<ExpiryRun>
    {
        public const ushort Id = 2;
        public override ushort MethodId => Id;
        public override string MethodName => "PurgeNow";
        protected override Task<ExpiryRun> Invoke(object grain, CancellationToken ct) => ((IExpiryGrain)grain).PurgeNow(ct);

        protected override void WriteResult(ref GrainWriter w, ExpiryRun result)
        {
            w.WriteInt32(result.Batches);
            w.WriteInt32(result.InlineDeleted);
            w.WriteInt32(result.TombstonesDeleted);
            w.WriteInt32(result.Skipped);
        }

        protected override ExpiryRun ReadResult(ref GrainReader r) => new()
        {
            Batches = r.ReadInt32(),
            InlineDeleted = r.ReadInt32(),
            TombstonesDeleted = r.ReadInt32(),
            Skipped = r.ReadInt32(),
        };
    }
}

/// <summary><see cref="IPeriodicGrain.EnsureReminder"/>, method id 1 on both maintenance grains.</summary>
internal sealed class EnsureReminderRequest : VoidGrainRequest
{
    public const ushort Id = 1;
    public override ushort MethodId => Id;
    public override string MethodName => "EnsureReminder";
    protected override Task Invoke(object grain, CancellationToken ct) => ((IPeriodicGrain)grain).EnsureReminder(ct);
}
