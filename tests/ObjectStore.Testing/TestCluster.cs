using Npgsql;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Reminders;

namespace ObjectStore.Testing;

/// <summary>How a <see cref="TestCluster"/> builds its silos and clients.</summary>
public sealed class TestClusterSetup
{
    /// <summary>Registers grains (and anything else) on each new silo; runs after the cluster's own settings, with the silo's membership.</summary>
    public Action<SiloBuilder, IMembershipProvider>? ConfigureSilo { get; init; }

    /// <summary>The grain interfaces clients created by <see cref="TestCluster.CreateClient"/> can call.</summary>
    public IReadOnlyList<GrainInterface> ClientInterfaces { get; init; } = [];

    /// <summary>Name prefix of the fresh database in PostgreSQL mode.</summary>
    public string DatabaseName { get; init; } = "cluster";
}

/// <summary>
/// Several silos in this process on loopback ports, sharing a membership (an in-process group, or a fresh
/// PostgreSQL database with short leases), a cluster key and a reminder table. Silos can be added, killed (no
/// graceful leave) and stopped.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterSetup _setup;
    private readonly Dictionary<Silo, IMembershipProvider> _memberships = [];
    private readonly List<IAsyncDisposable> _owned = [];

    private TestCluster(TestClusterSetup setup, NpgsqlDataSource? database, IReminderTable reminders)
    {
        _setup = setup;
        Database = database;
        Reminders = reminders;
    }

    /// <summary>The in-process membership group (in-memory mode).</summary>
    public InProcessMembershipGroup Group { get; } = new();

    /// <summary>The shared cluster key.</summary>
    public string ClusterKey { get; } = Convert.ToHexString(Guid.NewGuid().ToByteArray());

    /// <summary>The shared reminder table.</summary>
    public IReminderTable Reminders { get; }

    /// <summary>The cluster's database in PostgreSQL mode (membership and reminders).</summary>
    public NpgsqlDataSource? Database { get; }

    /// <summary>The running silos, oldest first.</summary>
    public List<Silo> Silos { get; } = [];

    /// <summary>The oldest running silo.</summary>
    public Silo Primary => Silos[0];

    /// <summary>Leases of the PostgreSQL mode: 2 s, renewed every 300 ms, views polled every 200 ms besides NOTIFY.</summary>
    public static PostgresMembershipOptions FastLeases() => new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewPeriod = TimeSpan.FromMilliseconds(300),
        FenceMargin = TimeSpan.FromMilliseconds(500),
        PollPeriod = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>A cluster on an in-process membership group and an in-memory reminder table.</summary>
    public static Task<TestCluster> StartAsync(int silos, TestClusterSetup setup) =>
        StartAsync(new TestCluster(setup, null, new InMemoryReminderTable()), silos);

    /// <summary>A cluster on PostgreSQL membership and the PostgreSQL reminder table (a fresh database).</summary>
    public static async Task<TestCluster> StartPostgresAsync(int silos, TestClusterSetup setup)
    {
        var server = await PostgresServer.Shared;
        var database = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(setup.DatabaseName));
        var reminders = new PostgresReminderTable(database);
        await reminders.InitializeAsync(CancellationToken.None);
        return await StartAsync(new TestCluster(setup, database, reminders), silos);
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

    /// <summary>Builds, starts and adds one more silo.</summary>
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
        _setup.ConfigureSilo?.Invoke(builder, membership);
        var silo = builder.Build();
        _memberships[silo] = membership;
        await silo.StartAsync(CancellationToken.None);
        Silos.Add(silo);
        return silo;
    }

    private IMembershipProvider NewMembership()
    {
        IMembershipProvider membership = Database is null ? new InProcessMembership(Group) : new PostgresMembership(Database, FastLeases());
        _owned.Add(membership);
        return membership;
    }

    /// <summary>Kills a silo: its endpoint is aborted and it is dropped from membership as a lapsed lease would be.</summary>
    public async Task KillAsync(Silo silo)
    {
        Silos.Remove(silo);
        await silo.KillAsync();
        if (Database is null) Group.Expel(silo.SiloId);
        else await _memberships[silo].DisposeAsync(); // stops renewing: the lease lapses as after a crash
        await silo.DisposeAsync();
    }

    /// <summary>Stops a silo gracefully.</summary>
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
        [.. _setup.ClientInterfaces]);

    /// <summary>The silo that owns (<paramref name="grainInterface"/>, <paramref name="key"/>) under the primary's view.</summary>
    public Silo OwnerOf(GrainInterface grainInterface, string key)
    {
        var id = new GrainId(grainInterface.GrainType, key);
        var owner = Primary.Runtime.Router.Placement.Owner(id.Hash)!;
        return Silos.Single(s => s.SiloId == owner.SiloId);
    }

    /// <summary>A key of <paramref name="grainInterface"/>'s type owned by <paramref name="silo"/>.</summary>
    public string KeyOwnedBy(GrainInterface grainInterface, Silo silo, string prefix = "k")
    {
        for (var i = 0; ; i++)
        {
            var key = $"{prefix}{i}";
            if (OwnerOf(grainInterface, key) == silo) return key;
        }
    }

    /// <summary>Stops every silo (best effort) and releases the memberships and the database.</summary>
    public async ValueTask DisposeAsync()
    {
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
        if (Database is not null) await Database.DisposeAsync();
    }
}

/// <summary>Polling with a deadline instead of timing assertions.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after the timeout.</summary>
    public static async Task True(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var until = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > until) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }
}
