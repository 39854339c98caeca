using System.Threading.Channels;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// The hand-written runtime description of <see cref="IBatchGatewayGrain"/> (the pattern of <see cref="GrainRequest"/>).
/// Its request carries live objects and is local-only: writing or reading it for the wire throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class BatchGatewayGrainInterface : GrainInterface<IBatchGatewayGrain>
{
    /// <summary>The shared instance.</summary>
    public static readonly BatchGatewayGrainInterface Instance = new();

    /// <summary>How long one batch call may run (the default call deadline is too short for 1,000 operations with large bodies); each ObjectGrain call inside still gets at most the default.</summary>
    public static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    public override IBatchGatewayGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    /// <inheritdoc/>
    public override GrainRequest? CreateRequest(ushort methodId) => methodId == ExecuteRequest.Id ? new ExecuteRequest() : null;

    private sealed class Proxy(GrainReference r) : IBatchGatewayGrain
    {
        public Task Execute(IAsyncEnumerable<BatchItem> input, ChannelWriter<BatchResult> output, CancellationToken ct) =>
            r.InvokeAsync(new ExecuteRequest { Input = input, Output = output }, ct);
    }

    private sealed class ExecuteRequest : VoidGrainRequest
    {
        public const ushort Id = 1;
        public IAsyncEnumerable<BatchItem>? Input;
        public ChannelWriter<BatchResult>? Output;
        public override ushort MethodId => Id;
        public override string MethodName => "Execute";
        public override TimeSpan? ResponseTimeout => BatchTimeout;

        // A worker holds no state, so its batches interleave: the pool's size never caps concurrent batches, permits do.
        public override bool IsReadOnly => true;

        public override void WriteArguments(ref GrainWriter writer) => throw LocalOnly();

        public override void ReadArguments(ref GrainReader reader) => throw LocalOnly();

        protected override Task Invoke(object grain, CancellationToken ct) => ((IBatchGatewayGrain)grain).Execute(Input!, Output!, ct);

        private static NotSupportedException LocalOnly() =>
            new("IBatchGatewayGrain is a local stateless worker: its batch streams never cross silos; call it from a silo's own grain factory.");
    }
}
