using System.Net;
using Microsoft.Extensions.Logging;
using Npgsql;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Hosting;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// Builds this process's silo per <c>cluster</c>: in-process membership by default (a single silo), PostgreSQL
/// membership when configured, the internal HTTP/2 endpoint at <c>cluster.silo_addr</c> guarded by <c>cluster.key</c>,
/// and the object, change-log, expiry and batch gateway grains over the process's storage.
/// </summary>
internal static class SiloFactory
{
    /// <summary>A not yet started silo, and the membership data source it owns (postgres mode).</summary>
    public sealed record Built(Runtime.Hosting.Silo Silo, NpgsqlDataSource? MembershipDatabase);

    /// <summary>Wires the silo; the storage's owner must be <paramref name="siloId"/>.</summary>
    public static Built Build(ClusterOptions cluster, string siloId, StorageStack storage, ServiceConcurrencyLimiter limiter, ILoggerFactory loggerFactory)
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
        });
        var executor = new BatchExecutor(limiter, new BatchExecutorOptions(), loggerFactory.CreateLogger<BatchExecutor>());
        builder.AddGrain<IBatchGatewayGrain, BatchGatewayGrain>(BatchGatewayGrainInterface.Instance,
            () => new BatchGatewayGrain(executor, grains => new ObjectGrainBatchRunner(grains, storage.LongTerm, storage.Storage.InlineThreshold)));
        return new Built(builder.Build(), membershipDatabase);
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
