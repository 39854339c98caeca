using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Endpoints;
using ObjectStore.Gateway.Http;
using ObjectStore.Gateway.Http.Lowercase;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Logging;
using Orleans.Dashboard;

namespace ObjectStore.Silo.Hosting;

/// <summary>Process-level choices that are not configuration keys (tests override them).</summary>
internal sealed record ServerHostSettings
{
    /// <summary>The shutdown marker <c>/ready</c> checks.</summary>
    public string DownFile { get; init; } = Readiness.DefaultDownFile;

    /// <summary>Where logs go; null = stderr console at the configured level.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Test hook: adds to the tracer provider (e.g. an in-memory exporter); also switches tracing on without OTLP.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? ConfigureTracing { get; init; }

    /// <summary>Test hook: wraps the storage backend the endpoints call (e.g. to hold a multipart completion open).</summary>
    public Func<IObjectBackend, IObjectBackend>? WrapBackend { get; init; }
}

/// <summary>
/// One running <c>objectstore</c> server: storage opened per configuration, an Orleans silo (or cluster client) and
/// the HTTP API on Kestrel (HTTP/1.1, lowercase response header names, unbounded object bodies) in one generic host.
/// <c>objectstore run</c> and the conformance tests both start it through <see cref="StartAsync"/>.
/// </summary>
internal sealed partial class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StorageStack _storage;
    private readonly ILoggerFactory? _ownedLoggerFactory;
    private readonly ILogger _logger;
    private readonly ServerMetrics _metrics;
    private int _stopped;

    private ServerHost(WebApplication app, StorageStack storage, Readiness readiness, IPEndPoint address, ILoggerFactory? ownedLoggerFactory, ILogger logger, ServerMetrics metrics)
    {
        _app = app;
        _metrics = metrics;
        _storage = storage;
        Readiness = readiness;
        Address = address;
        _ownedLoggerFactory = ownedLoggerFactory;
        _logger = logger;
    }

    /// <summary>The bound address (the real port when <c>http_addr</c> asked for port 0).</summary>
    public IPEndPoint Address { get; }

    /// <summary>What <c>/ready</c> reports.</summary>
    public Readiness Readiness { get; }

    /// <summary>The web host's own configuration (not ours: ours is <see cref="LoadedConfiguration"/>).</summary>
    public IConfiguration HostConfiguration => _app.Configuration;

    /// <summary>How many silos the cluster reports active (a gateway-only process asks the cluster).</summary>
    public async Task<int> LiveSilosAsync()
    {
        if (_app.Services.GetService<IClusterMembershipService>() is { } membership)
            return membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return (await _app.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false)).Count;
    }

    /// <summary>Opens storage, builds the pipeline and starts listening.</summary>
    public static async Task<ServerHost> StartAsync(LoadedConfiguration configuration, ServerHostSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new ServerHostSettings();
        var options = configuration.Options;
        var owned = settings.LoggerFactory is null ? ServerLogging.CreateFactory(options.Logging) : null;
        var loggerFactory = settings.LoggerFactory ?? owned!;
        var logger = loggerFactory.CreateLogger("ObjectStore.Silo");
        foreach (var warning in configuration.Warnings) LogConfigWarning(logger, warning);

        var siloName = $"silo-{Guid.NewGuid():N}"[..17];
        var storage = await StorageStack.OpenAsync(options.Storage, siloName, loggerFactory, cancellationToken).ConfigureAwait(false);
        WebApplication? app = null;
        ServerMetrics? metrics = null;
        try
        {
            // Orleans' ADO.NET providers read their statements from the database they use: migrate it first.
            var orleansDatabase = options.Cluster.Membership == MembershipType.Postgres && !options.Cluster.GatewayOnly
                ? options.Cluster.MembershipConnectionString
                : options.Cluster.Membership == MembershipType.Local ? storage.PostgresConnectionString : null;
            if (orleansDatabase is not null)
            {
                await using var dataSource = Npgsql.NpgsqlDataSource.Create(orleansDatabase);
                try
                {
                    await Storage.Sql.OrleansSchema.MigratePostgresAsync(dataSource, loggerFactory, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (UnreachableDependencyException.IsPostgresFailure(e))
                {
                    var key = options.Cluster.Membership == MembershipType.Postgres ? "cluster.membership.connection_string" : "storage.high_volume.connection_string";
                    throw new UnreachableDependencyException("PostgreSQL", key, e);
                }
            }
            var limiter = new ServiceConcurrencyLimiter(options.Service, TimeProvider.System);
            var readiness = new Readiness(settings.DownFile, storage.ReadinessProbe);
            app = BuildApp(options.HttpAddr, [
                    .. options.Cluster.Dashboard ? [options.Cluster.DashboardAddr] : Array.Empty<IPEndPoint>(),
                    .. options.Metrics is { Prometheus: true, PrometheusAddr: { } metricsAddr } ? [metricsAddr] : Array.Empty<IPEndPoint>(),
                ], loggerFactory,
                host => ClusterHosting.AddCluster(host, options.Cluster, siloName, storage, options.Storage.OrphanSweep, limiter, loggerFactory),
                services =>
                {
                    // The options of every section, validated again as the host starts (ValidateOnStart): the same
                    // binding ConfigLoader checked, so a configuration that passed it passes here too.
                    services.AddObjectStoreOptions(configuration.Binding);
                    TelemetryHosting.Add(services, options.Metrics, siloName, settings.ConfigureTracing);
                });
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var hostsGrains = !options.Cluster.GatewayOnly;
            var writer = new ObjectWriter(grains, storage.LongTerm, storage.Storage.InlineThreshold, hostsGrains ? siloName : null);
            IObjectBackend backend = new GrainObjectBackend(grains, storage.Storage, storage.LongTerm, writer,
                hostsGrains ? app.Services.GetRequiredService<BatchSessions>() : null,
                hostsGrains ? null : new BatchExecutor(limiter, new BatchExecutorOptions(), loggerFactory.CreateLogger<BatchExecutor>()));
            var services = new GatewayServices(
                settings.WrapBackend is { } wrap ? wrap(backend) : backend,
                new Authenticator(options.Auth, configuration.Keys, TimeProvider.System, loggerFactory.CreateLogger<Authenticator>()),
                new Killswitches(options.Killswitches),
                new RateLimiter(options.RateLimits, TimeProvider.System),
                new UsecasePolicies(options.Usecases),
                new WebConcurrencyGate(options.Http.MaxRequests),
                limiter,
                readiness,
                loggerFactory);
            var pipeline = new ApiPipeline(services);
            metrics = new ServerMetrics(services.WebGate, limiter, options.Service, storage.Jobs);
            var built = app;
            TelemetryHosting.MapScrapingEndpoint(app, options.Metrics, () => PublicPort(built, options.HttpAddr));
            if (options.Cluster.Dashboard) MapDashboard(app, options.HttpAddr);
            app.Run(pipeline.HandleAsync);
            // Said before the port opens, so nobody reaches an unauthenticated API before the log says so.
            if (!services.Authenticator.Enforce) LogAuthNotEnforced(logger);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (hostsGrains)
            {
                try
                {
                    await ObjectStoreGrains.StartMaintenanceAsync(grains, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (UnreachableDependencyException.IsPostgresFailureInChain(e))
                {
                    // The maintenance grains read their state from the Orleans database as they activate.
                    var key = options.Cluster.Membership == MembershipType.Postgres ? "cluster.membership.connection_string" : "storage.high_volume.connection_string";
                    throw new UnreachableDependencyException("PostgreSQL", key, e);
                }
            }
            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var address = new IPEndPoint(options.HttpAddr.Address, bound.Port);
            LogStarted(logger, address, storage.Description, hostsGrains
                ? $"silo {siloName} ({options.Cluster.Membership} membership)"
                : "gateway only (no grains; an Orleans client of the PostgreSQL membership's silos)");
            return new ServerHost(app, storage, readiness, address, owned, logger, metrics);
        }
        catch
        {
            if (app is not null)
            {
                using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                    await app.StopAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await app.DisposeAsync().ConfigureAwait(false);
            }
            await storage.DisposeAsync().ConfigureAwait(false);
            metrics?.Dispose();
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Orleans' dashboard on its own listener only: requests that arrived on any other port than the public HTTP one
    /// (there is just the dashboard's) reach it; the public port never does.
    /// </summary>
    private static void MapDashboard(WebApplication app, IPEndPoint httpAddr)
    {
        int? publicPort = null;
        app.MapWhen(context => context.Connection.LocalPort != (publicPort ??= PublicPort(app, httpAddr)), dashboard =>
        {
            dashboard.UseRouting();
            dashboard.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(routePrefix: "/dashboard"));
        });
    }

    private static int PublicPort(WebApplication app, IPEndPoint httpAddr) =>
        httpAddr.Port != 0 ? httpAddr.Port : new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    private static WebApplication BuildApp(IPEndPoint httpAddr, IReadOnlyList<IPEndPoint> otherListeners, ILoggerFactory loggerFactory, Action<IHostBuilder> addCluster,
        Action<IServiceCollection> addServices)
    {
        // Configuration comes from our YAML and OS__ variables, never appsettings.json: without this the host watches its
        // content root (the working directory, where the embedded data directory lives by default) for appsettings
        // changes, and every SQLite and blob write wakes the file watcher (about 5 % of the silo's CPU under writes).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        addCluster(builder.Host);
        addServices(builder.Services);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // Signals are handled by the caller (readiness flips before Kestrel stops), not by the console lifetime.
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        LargeBlockMemoryPool.Register(builder.Services);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Object bodies are unbounded and streamed; the batch endpoint sets its own 1 GiB limit per request.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(httpAddr, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseLowercaseResponseHeaders();
            });
            // Orleans' dashboard and the Prometheus listener: plain HTTP/1.1, never the API (see MapDashboard, TelemetryHosting).
            foreach (var address in otherListeners) kestrel.Listen(address);
        });
        builder.Services.AddRouting();
        return builder.Build();
    }

    /// <summary>
    /// Graceful stop: readiness flips, Kestrel stops accepting and lets in-flight requests finish (bounded by
    /// <paramref name="timeout"/>), then background cleanup drains and storage closes. Idempotent.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        Readiness.BeginDrain();
        LogDraining(_logger);
        using (var deadline = new CancellationTokenSource(timeout))
            await _app.StopAsync(deadline.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _storage.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        LogStopped(_logger);
        _ownedLoggerFactory?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration: {Warning}")]
    private static partial void LogConfigWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "objectstore serving HTTP on {Address} with {Storage}; {Grains}")]
    private static partial void LogStarted(ILogger logger, IPEndPoint address, string storage, string grains);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth is NOT enforced: every request is allowed (configure auth.keys to enforce it)")]
    private static partial void LogAuthNotEnforced(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: readiness off, draining in-flight requests")]
    private static partial void LogDraining(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped")]
    private static partial void LogStopped(ILogger logger);
}

/// <summary>A host lifetime that neither waits for nor reacts to console signals: <c>objectstore run</c> owns them.</summary>
internal sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
