using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;

namespace ObjectStore.Bench.Ping;

/// <summary>
/// The silos (and client) of one scenario, on loopback in this process, and one grain reference per worker:
/// local: one silo, callers use its factory; cross-silo: silos A and B, callers use A's factory on keys placed on B;
/// client: one silo and a <see cref="ClusterClient"/> reading the same in-process membership.
/// </summary>
internal sealed class PingRig : IAsyncDisposable
{
    /// <summary>A stuck call must not outlive the scenario's cap by much.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Keys tried per worker when looking for one that silo B owns (each has a 1/2 chance).</summary>
    private const int MaxKeyProbes = 64;

    private readonly InProcessMembershipGroup _group = new();
    private readonly string _clusterKey = Convert.ToHexString(Guid.NewGuid().ToByteArray());
    private readonly List<Silo> _silos = [];
    private readonly List<IMembershipProvider> _memberships = [];
    private ClusterClient? _client;

    private PingRig() { }

    /// <summary>One grain per worker, as the callers see it.</summary>
    public IReadOnlyList<IBenchPingGrain> Grains { get; private set; } = [];

    /// <summary>Starts the silos of <paramref name="scenario"/> and resolves one grain per worker.</summary>
    public static async Task<PingRig> StartAsync(PingScenario scenario, int workers, CancellationToken cancellationToken)
    {
        var rig = new PingRig();
        try
        {
            rig.Grains = scenario switch
            {
                PingScenario.Local => await rig.LocalAsync(workers, cancellationToken),
                PingScenario.CrossSilo => await rig.CrossSiloAsync(workers, cancellationToken),
                PingScenario.Client => await rig.ClientAsync(workers, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
            };
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    private async Task<IBenchPingGrain[]> LocalAsync(int workers, CancellationToken cancellationToken)
    {
        var silo = await AddSiloAsync(cancellationToken);
        return [.. Enumerable.Range(0, workers).Select(w => silo.GrainFactory.GetGrain<IBenchPingGrain>($"ping-{w}"))];
    }

    private async Task<IBenchPingGrain[]> CrossSiloAsync(int workers, CancellationToken cancellationToken)
    {
        var a = await AddSiloAsync(cancellationToken);
        var b = await AddSiloAsync(cancellationToken);
        var grains = new IBenchPingGrain[workers];
        for (var w = 0; w < workers; w++)
        {
            // Placement is the runtime's business: ask candidate grains where they live, keep the first on B.
            for (var probe = 0; grains[w] is null; probe++)
            {
                if (probe == MaxKeyProbes) throw new InvalidOperationException($"No key of {MaxKeyProbes} tried for worker {w} is placed on silo B.");
                var grain = a.GrainFactory.GetGrain<IBenchPingGrain>($"ping-{w}-{probe}");
                if (await grain.SiloId(cancellationToken) == b.SiloId) grains[w] = grain;
            }
        }
        return grains;
    }

    private async Task<IBenchPingGrain[]> ClientAsync(int workers, CancellationToken cancellationToken)
    {
        await AddSiloAsync(cancellationToken);
        var membership = new InProcessMembership(_group);
        _memberships.Add(membership);
        _client = new ClusterClient(
            new ClusterClientOptions { ClusterKey = _clusterKey, Membership = membership, DefaultCallTimeout = CallTimeout },
            BenchPingGrainInterface.Instance);
        return [.. Enumerable.Range(0, workers).Select(w => _client.GetGrain<IBenchPingGrain>($"ping-{w}"))];
    }

    private async Task<Silo> AddSiloAsync(CancellationToken cancellationToken)
    {
        var membership = new InProcessMembership(_group);
        _memberships.Add(membership);
        var builder = new SiloBuilder()
            .UseMembership(membership)
            .Configure(o =>
            {
                o.ClusterKey = _clusterKey;
                o.DefaultCallTimeout = CallTimeout;
                o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            });
        var siloId = builder.Options.SiloId;
        var silo = builder
            .AddGrain<IBenchPingGrain, BenchPingGrain>(BenchPingGrainInterface.Instance, () => new BenchPingGrain(siloId))
            .Build();
        await silo.StartAsync(cancellationToken);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Closes the client, stops the silos gracefully and leaves membership.</summary>
    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        foreach (var silo in _silos) await silo.DisposeAsync();
        foreach (var membership in _memberships) await membership.DisposeAsync();
    }
}
