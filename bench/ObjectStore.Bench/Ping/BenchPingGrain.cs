using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Bench.Ping;

/// <summary>The grain of Orleans' ping benchmark: an empty call, plus a set-up-only call telling which silo runs it.</summary>
[GrainType("bench-ping")]
internal interface IBenchPingGrain : IGrainWithStringKey
{
    /// <summary>Does nothing; the measured call.</summary>
    ValueTask Ping(CancellationToken cancellationToken = default);

    /// <summary>The id of the silo this activation lives on (used to pick keys owned by a given silo, never measured).</summary>
    Task<string> SiloId(CancellationToken cancellationToken = default);
}

/// <summary>The ping grain; <paramref name="siloId"/> is the silo that created it.</summary>
internal sealed class BenchPingGrain(string siloId) : Grain, IBenchPingGrain
{
    public ValueTask Ping(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Task<string> SiloId(CancellationToken cancellationToken) => Task.FromResult(siloId);
}

/// <summary>Hand-written proxy and invokers of <see cref="IBenchPingGrain"/>.</summary>
internal sealed class BenchPingGrainInterface : GrainInterface<IBenchPingGrain>
{
    public static readonly BenchPingGrainInterface Instance = new();

    public override IBenchPingGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    public override GrainRequest? CreateRequest(ushort methodId) => methodId switch
    {
        PingRequest.Id => new PingRequest(),
        SiloIdRequest.Id => new SiloIdRequest(),
        _ => null,
    };

    private sealed class Proxy(GrainReference r) : IBenchPingGrain
    {
        public ValueTask Ping(CancellationToken ct) => new(r.InvokeAsync(new PingRequest(), ct));

        public Task<string> SiloId(CancellationToken ct) => r.InvokeAsync(new SiloIdRequest(), ct);
    }

    private sealed class PingRequest : VoidGrainRequest
    {
        public const ushort Id = 1;
        public override ushort MethodId => Id;
        public override string MethodName => "Ping";
        protected override Task Invoke(object grain, CancellationToken ct) => ((IBenchPingGrain)grain).Ping(ct).AsTask();
    }

    private sealed class SiloIdRequest : GrainRequest<string>
    {
        public const ushort Id = 2;
        public override ushort MethodId => Id;
        public override string MethodName => "SiloId";
        protected override Task<string> Invoke(object grain, CancellationToken ct) => ((IBenchPingGrain)grain).SiloId(ct);
        protected override void WriteResult(ref GrainWriter w, string result) => w.WriteString(result);
        protected override string ReadResult(ref GrainReader r) => r.ReadRequiredString();
    }
}
