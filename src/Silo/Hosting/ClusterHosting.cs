using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Providers;
using ObjectStore.Silo.Configuration;
using Orleans.Configuration;
using Orleans.Dashboard;
using ClusterOptions = ObjectStore.Silo.Configuration.ClusterOptions;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// This process's part of the Orleans cluster, per <c>cluster</c>: a silo with localhost clustering (the embedded
/// default: one silo) or PostgreSQL clustering through Orleans' ADO.NET provider, hosting the object, change-log, expiry,
/// orphan sweep and batch gateway grains over the process's storage; or, with <c>cluster.gateway_only</c>, an Orleans
/// client that calls the silos it finds in the PostgreSQL membership. Orleans owns activation, placement, the directory,
/// messaging, membership and reminders; this class only chooses its providers and options.
/// </summary>
internal static class ClusterHosting
{
    /// <summary>The ADO.NET invariant of Npgsql, which Orleans' providers load by name.</summary>
    private const string Invariant = "Npgsql";

    /// <summary>Adds the silo (or the client) to <paramref name="host"/>; <paramref name="siloName"/> must be the storage's owner.</summary>
    public static void AddCluster(IHostBuilder host, ClusterOptions cluster, string siloName, StorageStack storage, SweepOptions orphanSweep,
        ServiceConcurrencyLimiter limiter, ILoggerFactory loggerFactory)
    {
        if (cluster.GatewayOnly)
        {
            host.UseOrleansClient(client =>
            {
                // W3C trace context rides along on grain calls, so a request's trace continues into the grains.
                client.AddActivityPropagation();
                if (cluster.Tls is { } clientTls)
                {
                    var certificate = ClusterTls.Load(clientTls);
                    client.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
                }
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.Id, cluster.Id));
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, cluster.MembershipConnectionString));
            });
            return;
        }
        host.UseOrleans(silo =>
        {
            silo.AddActivityPropagation();
            silo.Configure<SiloOptions>(o => o.SiloName = siloName);
            if (cluster.Tls is { } tls)
            {
                var certificate = ClusterTls.Load(tls);
                silo.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
            }
            silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.Id, cluster.Id));
            var (siloEndpoint, gatewayEndpoint) = Endpoints(cluster);
            if (cluster.Membership == MembershipType.Postgres)
            {
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = siloEndpoint.Address;
                    o.SiloPort = siloEndpoint.Port;
                    o.GatewayPort = gatewayEndpoint.Port;
                    o.SiloListeningEndpoint = siloEndpoint;
                    o.GatewayListeningEndpoint = gatewayEndpoint;
                });
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Invariant, cluster.MembershipConnectionString));
                silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (Invariant, cluster.MembershipConnectionString));
                silo.AddAdoNetGrainStorage(ObjectStoreGrains.StateStore, o => (o.Invariant, o.ConnectionString) = (Invariant, cluster.MembershipConnectionString));
            }
            else
            {
                silo.UseLocalhostClustering(siloEndpoint.Port, gatewayEndpoint.Port, serviceId: cluster.Id, clusterId: cluster.Id);
                if (storage.Sql.ClusterState is { } sqlite)
                {
                    // The embedded default: reminders and grain state durable in the HV file, nothing else to run.
                    silo.UseSqliteReminderService(_ => sqlite);
                    silo.AddSqliteGrainStorage(ObjectStoreGrains.StateStore, _ => sqlite);
                }
                else
                {
                    // One silo on PostgreSQL HV: Orleans' tables live in the HV database.
                    silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (Invariant, storage.PostgresConnectionString));
                    silo.AddAdoNetGrainStorage(ObjectStoreGrains.StateStore, o => (o.Invariant, o.ConnectionString) = (Invariant, storage.PostgresConnectionString));
                }
            }
            silo.Configure<ClusterMembershipOptions>(o => ConfigureMembership(o, cluster));
            silo.Services.AddHostedService<MembershipLog>();
            if (cluster.Dashboard) silo.AddDashboard();
            var executor = new BatchExecutor(limiter, new BatchExecutorOptions(), loggerFactory.CreateLogger<BatchExecutor>());
            // The gateway holds each single operation's permit, so object grains take none of their own.
            silo.AddObjectStoreGrains(new ObjectStoreGrainServices
            {
                Storage = storage.Storage,
                HighVolume = storage.Sql.HighVolume,
                LongTerm = storage.LongTerm,
                LoggerFactory = loggerFactory,
                Sweep = SweepGrainOptions(orphanSweep),
                Objects = new ObjectGrainOptions { MaxActivations = cluster.MaxObjectActivations },
                Batches = executor,
            });
        });
    }

    /// <summary><c>cluster.membership.*</c> as Orleans' failure detection (defaults tuned for seconds, see <see cref="MembershipTuning"/>).</summary>
    private static void ConfigureMembership(ClusterMembershipOptions options, ClusterOptions cluster)
    {
        var tuning = cluster.MembershipTuning;
        options.ProbeTimeout = tuning.ProbeTimeout;
        options.NumMissedProbesLimit = tuning.MissedProbesLimit;
        options.NumVotesForDeathDeclaration = tuning.VotesForDeath;
        options.TableRefreshTimeout = tuning.TableRefresh;
        options.DeathVoteExpirationTimeout = tuning.DeathVoteExpiration;
        options.IAmAliveTablePublishTimeout = tuning.IAmAlivePeriod;
    }

    /// <summary><c>storage.orphan_sweep</c> as the sweep grain's tunables: no interval disables it (and removes its reminder).</summary>
    internal static Grains.Sweep.OrphanSweepGrainOptions SweepGrainOptions(SweepOptions sweep)
    {
        var options = new Grains.Sweep.OrphanSweepGrainOptions { Enabled = sweep.Interval is not null, Grace = sweep.Grace };
        if (sweep.Interval is { } interval) options.ReminderPeriod = interval;
        return options;
    }

    /// <summary>The silo-to-silo and client gateway endpoints: as configured, else a free loopback port each.</summary>
    private static (IPEndPoint Silo, IPEndPoint Gateway) Endpoints(ClusterOptions cluster) =>
        (Resolve(cluster.SiloAddr), Resolve(cluster.GatewayAddr));

    private static IPEndPoint Resolve(string? address)
    {
        if (address is null) return new IPEndPoint(IPAddress.Loopback, FreeLoopbackPort());
        var colon = address.LastIndexOf(':');
        var host = address[..colon].Trim('[', ']');
        var port = int.Parse(address.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        var ip = IPAddress.TryParse(host, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"cluster address '{address}' does not resolve to an IPv4 address");
        return new IPEndPoint(ip, port);
    }

    // Orleans needs concrete ports to advertise; an unconfigured silo takes whatever loopback port is free.
    private static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
