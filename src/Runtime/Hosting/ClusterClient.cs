using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Transport;

namespace ObjectStore.Runtime.Hosting;

/// <summary>Options of a <see cref="ClusterClient"/>.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>The cluster's shared key.</summary>
    public required string ClusterKey { get; init; }

    /// <summary>Read the silo view from membership and call each grain's owner directly (preferred).</summary>
    public IMembershipProvider? Membership { get; init; }

    /// <summary>Without membership: silo endpoints ("http://host:port") to call through; they forward to owners.</summary>
    public IReadOnlyList<string> SiloEndpoints { get; init; } = [];

    /// <summary>Deadline of each call (default 30 s).</summary>
    public TimeSpan DefaultCallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest accepted response (default 16 MiB).</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>Calls grains from a process that is not a silo (Orleans' client role). Register the interfaces it uses.</summary>
public sealed class ClusterClient : IGrainFactory, IDisposable
{
    private readonly SiloConnector _connector;
    private readonly GrainCallRouter _router;
    private readonly GrainFactory _factory;

    /// <summary>Creates a client for the given grain interfaces; no I/O until the first call.</summary>
    public ClusterClient(ClusterClientOptions options, params GrainInterface[] interfaces)
    {
        if (options.Membership is null && options.SiloEndpoints.Count == 0)
            throw new ArgumentException("A cluster client needs a membership provider or at least one silo endpoint.", nameof(options));
        _connector = new SiloConnector(options.ClusterKey, options.MaxMessageBytes);
        _router = new GrainCallRouter(_connector, options.Membership, options.SiloEndpoints, null, options.DefaultCallTimeout);
        _factory = new GrainFactory(_router, interfaces.ToDictionary(i => i.InterfaceType));
    }

    /// <inheritdoc/>
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        _factory.GetGrain<TGrainInterface>(key);

    /// <summary>Closes connections.</summary>
    public void Dispose()
    {
        _router.Detach();
        _connector.Dispose();
    }
}
