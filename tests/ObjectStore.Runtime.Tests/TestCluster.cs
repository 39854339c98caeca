using Npgsql;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Reminders;
using ObjectStore.Testing;

namespace ObjectStore.Runtime.Tests;

/// <summary>
/// Several silos in this process on loopback ports, sharing a membership (an in-process group, or a fresh
/// PostgreSQL database with short leases), a cluster key, a reminder table and a <see cref="Tracker"/>. Silos can be
/// added, killed (no graceful leave) and stopped.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Action<SiloBuilder>? _configure;
    private readonly NpgsqlDataSource? _database;
    private readonly Dictionary<Silo, IMembershipProvider> _memberships = [];
    private readonly List<IAsyncDisposable> _owned = [];

    private TestCluster(Action<SiloBuilder>? configure, NpgsqlDataSource? database, IReminderTable reminders)
    {
        _configure = configure;
        _database = database;
        Reminders = reminders;
    }

    public InProcessMembershipGroup Group { get; } = new();
    public string ClusterKey { get; } = Convert.ToHexString(Guid.NewGuid().ToByteArray());
    public Tracker Tracker { get; } = new();
    public IReminderTable Reminders { get; }
    public List<Silo> Silos { get; } = [];

    /// <summary>Leases of the PostgreSQL mode: 2 s, renewed every 300 ms, views polled every 200 ms besides NOTIFY.</summary>
    public static PostgresMembershipOptions FastLeases() => new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewPeriod = TimeSpan.FromMilliseconds(300),
        FenceMargin = TimeSpan.FromMilliseconds(500),
        PollPeriod = TimeSpan.FromMilliseconds(200),
    };

    public Silo Primary => Silos[0];

    public IProbeGrain Probe(string key, int silo = 0) => Silos[silo].GrainFactory.GetGrain<IProbeGrain>(key);

    public static async Task<TestCluster> StartAsync(int silos, Action<SiloBuilder>? configure = null)
    {
        return await StartAsync(new TestCluster(configure, null, new InMemoryReminderTable()), silos);
    }

    /// <summary>A cluster on PostgreSQL membership and the PostgreSQL reminder table (a fresh database).</summary>
    public static async Task<TestCluster> StartPostgresAsync(int silos, Action<SiloBuilder>? configure = null)
    {
        var server = await PostgresServer.Shared;
        var database = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("runtime_cluster"));
        var reminders = new PostgresReminderTable(database);
        await reminders.InitializeAsync(CancellationToken.None);
        return await StartAsync(new TestCluster(configure, database, reminders), silos);
    }

    private static async Task<TestCluster> StartAsync(TestCluster cluster, int silos)
    {
        try
        {
            for (var i = 0; i < silos; i++) await cluster.AddSiloAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async Task<Silo> AddSiloAsync()
    {
        var membership = NewMembership();
        var builder = new SiloBuilder()
            .UseMembership(membership)
            .UseReminderTable(Reminders)
            .Configure(o =>
            {
                o.ClusterKey = ClusterKey;
                o.MinReminderPeriod = TimeSpan.FromMilliseconds(100);
                o.ReminderPollInterval = TimeSpan.FromMilliseconds(50);
                o.ReminderClaimLease = TimeSpan.FromSeconds(2);
                o.ShutdownTimeout = TimeSpan.FromSeconds(15);
            });
        _configure?.Invoke(builder);
        var siloId = builder.Options.SiloId;
        builder
            .AddGrain<IProbeGrain, ProbeGrain>(ProbeGrainInterface.Instance, () => new ProbeGrain(Tracker, siloId))
            .AddGrain<IWorkerGrain, WorkerGrain>(WorkerGrainInterface.Instance, () => new WorkerGrain(Tracker))
            .AddGrain<IPingGrain, PingGrain>(PingGrainInterface.Instance, () => new PingGrain());
        var silo = builder.Build();
        _memberships[silo] = membership;
        await silo.StartAsync(CancellationToken.None);
        Silos.Add(silo);
        return silo;
    }

    private IMembershipProvider NewMembership()
    {
        IMembershipProvider membership = _database is null ? new InProcessMembership(Group) : new PostgresMembership(_database, FastLeases());
        _owned.Add(membership);
        return membership;
    }

    /// <summary>Kills a silo: its endpoint is aborted and it is dropped from membership as a lapsed lease would be.</summary>
    public async Task KillAsync(Silo silo)
    {
        Silos.Remove(silo);
        await silo.KillAsync();
        if (_database is null) Group.Expel(silo.SiloId);
        else await _memberships[silo].DisposeAsync(); // stops renewing: the lease lapses as after a crash
        await silo.DisposeAsync();
    }

    public async Task StopAsync(Silo silo)
    {
        await silo.StopAsync(CancellationToken.None);
        Silos.Remove(silo);
        await silo.DisposeAsync();
    }

    /// <summary>A client reading the view from membership, or one calling through the given silo endpoints.</summary>
    public ClusterClient CreateClient(params string[] endpoints) => new(
        new ClusterClientOptions
        {
            ClusterKey = ClusterKey,
            Membership = endpoints.Length == 0 ? NewMembership() : null,
            SiloEndpoints = endpoints,
        },
        ProbeGrainInterface.Instance, WorkerGrainInterface.Instance, PingGrainInterface.Instance);

    /// <summary>The silo that owns <paramref name="key"/> of the probe type under the current view.</summary>
    public Silo OwnerOf(string key)
    {
        var id = new Grains.GrainId(ProbeGrainInterface.Instance.GrainType, key);
        var owner = Primary.Runtime.Router.Placement.Owner(id.Hash)!;
        return Silos.Single(s => s.SiloId == owner.SiloId);
    }

    /// <summary>A key of the probe type owned by <paramref name="silo"/>.</summary>
    public string KeyOwnedBy(Silo silo, string prefix = "k")
    {
        for (var i = 0; ; i++)
        {
            var key = $"{prefix}{i}";
            if (OwnerOf(key) == silo) return key;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Tracker.Open();
        foreach (var silo in Silos.ToArray())
        {
            try { await silo.DisposeAsync(); }
            catch (Exception) { /* best effort */ }
        }
        Silos.Clear();
        foreach (var owned in _owned)
        {
            try { await owned.DisposeAsync(); }
            catch (Exception) { /* best effort */ }
        }
        if (_database is not null) await _database.DisposeAsync();
    }
}

/// <summary>Polling with a deadline instead of timing assertions.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var until = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > until) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }
}
