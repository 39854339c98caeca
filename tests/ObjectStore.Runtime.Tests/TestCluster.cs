using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Reminders;
using Shared = ObjectStore.Testing.TestCluster;

namespace ObjectStore.Runtime.Tests;

/// <summary>
/// The shared <see cref="Shared"/> with the runtime's test grains (probe, worker, ping) registered on every silo
/// and a <see cref="Tracker"/> they report to.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Shared _cluster;

    private TestCluster(Shared cluster, Tracker tracker)
    {
        _cluster = cluster;
        Tracker = tracker;
    }

    public Tracker Tracker { get; }
    public InProcessMembershipGroup Group => _cluster.Group;
    public string ClusterKey => _cluster.ClusterKey;
    public IReminderTable Reminders => _cluster.Reminders;
    public List<Silo> Silos => _cluster.Silos;
    public Silo Primary => _cluster.Primary;

    public static PostgresMembershipOptions FastLeases() => Shared.FastLeases();

    public IProbeGrain Probe(string key, int silo = 0) => Silos[silo].GrainFactory.GetGrain<IProbeGrain>(key);

    public static Task<TestCluster> StartAsync(int silos, Action<SiloBuilder>? configure = null) =>
        StartAsync(silos, configure, Shared.StartAsync);

    /// <summary>A cluster on PostgreSQL membership and the PostgreSQL reminder table (a fresh database).</summary>
    public static Task<TestCluster> StartPostgresAsync(int silos, Action<SiloBuilder>? configure = null) =>
        StartAsync(silos, configure, Shared.StartPostgresAsync);

    private static async Task<TestCluster> StartAsync(int silos, Action<SiloBuilder>? configure, Func<int, ObjectStore.Testing.TestClusterSetup, Task<Shared>> start)
    {
        var tracker = new Tracker();
        var setup = new ObjectStore.Testing.TestClusterSetup
        {
            DatabaseName = "runtime_cluster",
            ClientInterfaces = [ProbeGrainInterface.Instance, WorkerGrainInterface.Instance, PingGrainInterface.Instance],
            ConfigureSilo = (builder, _) =>
            {
                configure?.Invoke(builder);
                var siloId = builder.Options.SiloId;
                builder
                    .AddGrain<IProbeGrain, ProbeGrain>(ProbeGrainInterface.Instance, () => new ProbeGrain(tracker, siloId))
                    .AddGrain<IWorkerGrain, WorkerGrain>(WorkerGrainInterface.Instance, () => new WorkerGrain(tracker))
                    .AddGrain<IPingGrain, PingGrain>(PingGrainInterface.Instance, () => new PingGrain());
            },
        };
        return new TestCluster(await start(silos, setup), tracker);
    }

    public Task<Silo> AddSiloAsync() => _cluster.AddSiloAsync();

    /// <summary>Kills a silo: its endpoint is aborted and it is dropped from membership as a lapsed lease would be.</summary>
    public Task KillAsync(Silo silo) => _cluster.KillAsync(silo);

    public Task StopAsync(Silo silo) => _cluster.StopAsync(silo);

    /// <summary>A client reading the view from membership, or one calling through the given silo endpoints.</summary>
    public ClusterClient CreateClient(params string[] endpoints) => _cluster.CreateClient(endpoints);

    /// <summary>The silo that owns <paramref name="key"/> of the probe type under the current view.</summary>
    public Silo OwnerOf(string key) => _cluster.OwnerOf(ProbeGrainInterface.Instance, key);

    /// <summary>A key of the probe type owned by <paramref name="silo"/>.</summary>
    public string KeyOwnedBy(Silo silo, string prefix = "k") => _cluster.KeyOwnedBy(ProbeGrainInterface.Instance, silo, prefix);

    public async ValueTask DisposeAsync()
    {
        Tracker.Open();
        await _cluster.DisposeAsync();
    }
}
