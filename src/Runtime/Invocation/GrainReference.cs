using ObjectStore.Runtime.Grains;

namespace ObjectStore.Runtime.Invocation;

/// <summary>Where grain calls go: a silo (local or remote targets) or a cluster client (always remote).</summary>
internal interface IGrainCallSink
{
    TimeSpan DefaultCallTimeout { get; }

    /// <summary>Starts the call; never throws: every failure completes <paramref name="call"/>.</summary>
    void Send(GrainCall call);
}

/// <summary>The address of one grain plus the runtime that delivers its calls; proxies hold one. Creating one does no I/O.</summary>
public sealed class GrainReference
{
    private readonly IGrainCallSink _sink;

    internal GrainReference(GrainId id, IGrainCallSink sink)
    {
        GrainId = id;
        _sink = sink;
    }

    /// <summary>The target grain.</summary>
    public GrainId GrainId { get; }

    /// <summary>Calls a method without result.</summary>
    public Task InvokeAsync(VoidGrainRequest request, CancellationToken cancellationToken) =>
        InvokeAsync((GrainRequest)request, cancellationToken);

    /// <summary>Calls a method with a result.</summary>
    public async Task<TResult> InvokeAsync<TResult>(GrainRequest<TResult> request, CancellationToken cancellationToken)
    {
        // One state machine per call: this body repeats the void one rather than awaiting it.
        var call = GrainCall.Create(GrainId, request, _sink.DefaultCallTimeout, cancellationToken);
        try
        {
            _sink.Send(call);
            await call.Task.ConfigureAwait(false);
            return request.Result;
        }
        finally
        {
            call.Release();
        }
    }

    private async Task InvokeAsync(GrainRequest request, CancellationToken cancellationToken)
    {
        var call = GrainCall.Create(GrainId, request, _sink.DefaultCallTimeout, cancellationToken);
        try
        {
            _sink.Send(call);
            await call.Task.ConfigureAwait(false);
        }
        finally
        {
            call.Release();
        }
    }
}

/// <summary>Creates proxies from the registered grain interfaces.</summary>
internal sealed class GrainFactory(IGrainCallSink sink, IReadOnlyDictionary<Type, GrainInterface> interfaces) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        if (!interfaces.TryGetValue(typeof(TGrainInterface), out var description))
            throw new InvalidOperationException($"Grain interface {typeof(TGrainInterface).Name} is not registered; add its GrainInterface description.");
        return (TGrainInterface)description.CreateProxyObject(new GrainReference(new GrainId(description.GrainType, key), sink));
    }
}
