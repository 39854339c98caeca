using System.Net;
using Microsoft.Extensions.Logging;
using Npgsql;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Sweep;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Hosting;

/// <summary>How this process reaches the grains, and what to stop at shutdown.</summary>
internal sealed class GrainAccess(IGrainFactory grains, bool hostsGrains, IMembershipProvider membership, string description, Func<ValueTask> stop)
    : IAsyncDisposable
{
    /// <summary>How many silos this process currently sees alive.</summary>
    public int LiveSilos => membership.Current.LiveSilos.Count;

    /// <summary>The factory the gateway calls grains through.</summary>
    public IGrainFactory Grains { get; } = grains;

    /// <summary>False for a gateway-only process: batches then run in the gateway against the remote grains.</summary>
    public bool HostsGrains { get; } = hostsGrains;

    /// <summary>What runs, for the start-up log.</summary>
    public string Description { get; } = description;

    /// <summary>Leaves the cluster (a silo deactivates its grains within its own shutdown deadline).</summary>
    public ValueTask DisposeAsync() => stop();
}

/// <summary>
/// Starts this process's part of the cluster per <c>cluster</c>: a silo with in-process membership by default (a single
/// silo) or PostgreSQL membership, its internal HTTP/2 endpoint at <c>cluster.silo_addr</c> guarded by
/// <c>cluster.key</c>, and the object, change-log, expiry, orphan sweep and batch gateway grains over the process's storage; or, with
/// <c>cluster.gateway_only</c>, no grains at all: a cluster client that calls the silos found in the membership.
/// </summary>
internal static class SiloFactory
{
    /// <summary>Starts the silo (or the gateway-only client); the storage's owner must be <paramref name="siloId"/>.</summary>
    public static async Task<GrainAccess> StartAsync(ClusterOptions cluster, string siloId, StorageStack storage, SweepOptions orphanSweep, ServiceConcurrencyLimiter limiter,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (cluster.GatewayOnly) return await StartClientAsync(cluster, loggerFactory, cancellationToken).ConfigureAwait(false);
        var (silo, membership, database) = Build(cluster, siloId, storage, orphanSweep, limiter, loggerFactory);
        try
        {
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            await ObjectStoreGrains.StartMaintenanceAsync(silo.GrainFactory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync(silo, database).ConfigureAwait(false);
            throw;
        }
        return new GrainAccess(silo.GrainFactory, true, membership, $"silo {silo.SiloId} ({cluster.Membership} membership, internal endpoint {silo.Address})",
            () => StopAsync(silo, database));
    }

    private static async Task<GrainAccess> StartClientAsync(ClusterOptions cluster, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var database = NpgsqlDataSource.Create(cluster.MembershipConnectionString!);
        var membership = new PostgresMembership(database, null, loggerFactory.CreateLogger<PostgresMembership>());
        try
        {
            await membership.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await membership.DisposeAsync().ConfigureAwait(false);
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var client = new ClusterClient(new ClusterClientOptions { ClusterKey = cluster.Key!, Membership = membership },
            [.. ObjectStoreGrains.Interfaces, BatchGatewayGrainInterface.Instance]);
        return new GrainAccess(client, false, membership, "gateway only (no grains; calls the silos of the PostgreSQL membership)", async () =>
        {
            client.Dispose();
            await membership.DisposeAsync().ConfigureAwait(false);
            await database.DisposeAsync().ConfigureAwait(false);
        });
    }

    private static async ValueTask StopAsync(Runtime.Hosting.Silo silo, NpgsqlDataSource? database)
    {
        await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await silo.DisposeAsync().ConfigureAwait(false);
        if (database is not null) await database.DisposeAsync().ConfigureAwait(false);
    }

    private static (Runtime.Hosting.Silo Silo, IMembershipProvider Membership, NpgsqlDataSource? MembershipDatabase) Build(
        ClusterOptions cluster, string siloId, StorageStack storage, SweepOptions orphanSweep, ServiceConcurrencyLimiter limiter, ILoggerFactory loggerFactory)
    {
        NpgsqlDataSource? membershipDatabase = null;
        IMembershipProvider membership;
        if (cluster.Membership == MembershipType.Postgres)
        {
            membershipDatabase = NpgsqlDataSource.Create(cluster.MembershipConnectionString!);
            membership = new PostgresMembership(membershipDatabase, null, loggerFactory.CreateLogger<PostgresMembership>());
        }
        else
        {
            membership = new InProcessMembership();
        }
        var builder = new SiloBuilder()
            .Configure(options =>
            {
                options.SiloId = siloId;
                if (cluster.Key is { Length: > 0 } key) options.ClusterKey = key;
                if (cluster.SiloAddr is { } address) ConfigureEndpoint(options, address);
            })
            .UseMembership(membership)
            .UseReminderTable(storage.Reminders)
            .UseLoggerFactory(loggerFactory);
        // The gateway holds each single operation's permit, so object grains take none of their own.
        builder.AddObjectStoreGrains(new ObjectStoreGrainServices
        {
            Storage = storage.Storage,
            HighVolume = storage.Sql.HighVolume,
            LiveSilos = ObjectStoreGrainServices.LiveSilosOf(membership),
            LoggerFactory = loggerFactory,
            Sweep = SweepGrainOptions(orphanSweep),
        });
        var executor = new BatchExecutor(limiter, new BatchExecutorOptions(), loggerFactory.CreateLogger<BatchExecutor>());
        builder.AddBatchGateway(executor, storage.LongTerm, storage.Storage.InlineThreshold);
        return (builder.Build(), membership, membershipDatabase);
    }

    /// <summary><c>storage.orphan_sweep</c> as the sweep grain's tunables: no interval disables it (and removes its reminder).</summary>
    internal static OrphanSweepGrainOptions SweepGrainOptions(SweepOptions sweep)
    {
        var options = new OrphanSweepGrainOptions { Enabled = sweep.Interval is not null, Grace = sweep.Grace };
        if (sweep.Interval is { } interval) options.ReminderPeriod = interval;
        return options;
    }

    /// <summary><c>ip:port</c> binds there; <c>host:port</c> binds every interface on that port and advertises <c>http://host:port</c>.</summary>
    private static void ConfigureEndpoint(SiloOptions options, string address)
    {
        if (IPEndPoint.TryParse(address, out var endPoint) && address.Contains(':'))
        {
            options.InternalEndpoint = endPoint;
            return;
        }
        var colon = address.LastIndexOf(':');
        options.InternalEndpoint = new IPEndPoint(IPAddress.Any, int.Parse(address.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
        options.AdvertisedAddress = "http://" + address;
    }
}
