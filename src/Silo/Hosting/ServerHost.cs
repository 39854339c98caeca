using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Endpoints;
using ObjectStore.Gateway.Http.Lowercase;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Hosting;

/// <summary>Process-level choices that are not configuration keys (tests override them).</summary>
internal sealed record ServerHostSettings
{
    /// <summary>The shutdown marker <c>/ready</c> checks.</summary>
    public string DownFile { get; init; } = Readiness.DefaultDownFile;

    /// <summary>Where logs go; null = stderr console at the configured level.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>
/// One running <c>objectstore</c> server: storage opened per configuration and the HTTP API on Kestrel
/// (HTTP/1.1, lowercase response header names, unbounded object bodies). <c>objectstore run</c> and the
/// conformance tests both start it through <see cref="StartAsync"/>.
/// </summary>
internal sealed partial class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrainAccess _grains;
    private readonly StorageStack _storage;
    private readonly ILoggerFactory? _ownedLoggerFactory;
    private readonly ILogger _logger;
    private int _stopped;

    private ServerHost(WebApplication app, GrainAccess grains, StorageStack storage, Readiness readiness, IPEndPoint address, ILoggerFactory? ownedLoggerFactory, ILogger logger)
    {
        _app = app;
        _grains = grains;
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

    /// <summary>How many silos this process currently sees alive (its own included when it hosts grains).</summary>
    public int LiveSilos => _grains.LiveSilos;

    /// <summary>Opens storage, builds the pipeline and starts listening.</summary>
    public static async Task<ServerHost> StartAsync(LoadedConfiguration configuration, ServerHostSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new ServerHostSettings();
        var options = configuration.Options;
        var owned = settings.LoggerFactory is null ? CreateConsoleLoggerFactory(options.Logging.Level) : null;
        var loggerFactory = settings.LoggerFactory ?? owned!;
        var logger = loggerFactory.CreateLogger("ObjectStore.Silo");
        foreach (var warning in configuration.Warnings) LogConfigWarning(logger, warning);

        var siloId = $"silo-{Guid.NewGuid():N}"[..17];
        var storage = await StorageStack.OpenAsync(options.Storage, siloId, loggerFactory, cancellationToken).ConfigureAwait(false);
        GrainAccess? grains = null;
        try
        {
            var limiter = new ServiceConcurrencyLimiter(options.Service, TimeProvider.System);
            grains = await SiloFactory.StartAsync(options.Cluster, siloId, storage, options.Storage.OrphanSweep, limiter, loggerFactory, cancellationToken).ConfigureAwait(false);
            var readiness = new Readiness(settings.DownFile);
            var services = new GatewayServices(
                new GrainObjectBackend(grains.Grains, storage.Storage, storage.LongTerm,
                    grains.HostsGrains ? null : new BatchExecutor(limiter, new BatchExecutorOptions(), loggerFactory.CreateLogger<BatchExecutor>())),
                new Authenticator(options.Auth, configuration.Keys, TimeProvider.System, loggerFactory.CreateLogger<Authenticator>()),
                new Killswitches(options.Killswitches),
                new RateLimiter(options.RateLimits, TimeProvider.System),
                new UsecasePolicies(options.Usecases),
                new WebConcurrencyGate(options.Http.MaxRequests),
                limiter,
                readiness,
                loggerFactory);
            var app = BuildApp(options.HttpAddr, loggerFactory, new ApiPipeline(services));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var address = new IPEndPoint(options.HttpAddr.Address, bound.Port);
            LogStarted(logger, address, storage.Description, grains.Description);
            if (!services.Authenticator.Enforce) LogAuthNotEnforced(logger);
            return new ServerHost(app, grains, storage, readiness, address, owned, logger);
        }
        catch
        {
            if (grains is not null) await grains.DisposeAsync().ConfigureAwait(false);
            await storage.DisposeAsync().ConfigureAwait(false);
            owned?.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApp(IPEndPoint httpAddr, ILoggerFactory loggerFactory, ApiPipeline pipeline)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // Signals are handled by the caller (readiness flips before Kestrel stops), not by the console lifetime.
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
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
        });
        var app = builder.Build();
        app.Run(pipeline.HandleAsync);
        return app;
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
        await _grains.DisposeAsync().ConfigureAwait(false);
        await _storage.DisposeAsync().ConfigureAwait(false);
        LogStopped(_logger);
        _ownedLoggerFactory?.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);

    private static ILoggerFactory CreateConsoleLoggerFactory(LogLevel level) =>
        Microsoft.Extensions.Logging.LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(level);
            // Per-request framework lines would drown the service's own logs.
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
            logging.AddSimpleConsole(console => console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
            logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        });

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
