using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Gateway.Admission;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Silo.Configuration;
using ObjectStore.Storage.Jobs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// OpenTelemetry for one server: every meter of ours plus Orleans', Npgsql's, ASP.NET Core's and HttpClient's, served
/// as Prometheus text on <c>/metrics</c> (<c>metrics.prometheus</c>, <c>metrics.prometheus_addr</c>) and pushed over OTLP
/// with the spans when <c>metrics.otlp_endpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Tracing is only
/// switched on when something exports it (OTLP or a test's exporter), so an unexported span costs nothing.
/// </summary>
internal static class TelemetryHosting
{
    /// <summary>The standard OTLP endpoint variable, honoured when <c>metrics.otlp_endpoint</c> is not set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Meters exported.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "ObjectStore.Gateway", "ObjectStore.Grains", ServerMetrics.MeterName, "Microsoft.Orleans", "Npgsql",
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http",
        // .NET's own: GC heap and pauses, working set, JIT, thread pool (dotnet.*).
        "System.Runtime",
    ];

    /// <summary>ActivitySources traced: gateway → grain (Orleans' own spans, with AddActivityPropagation) → storage, and Npgsql's.</summary>
    public static readonly IReadOnlyList<string> Sources =
    [
        "ObjectStore.Gateway", Storage.Diagnostics.StorageTelemetry.SourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage", "Npgsql",
    ];

    /// <summary>Registers the providers on <paramref name="services"/>.</summary>
    public static void Add(IServiceCollection services, MetricsOptions options, string siloName, Action<TracerProviderBuilder>? configureTracing)
    {
        var otlp = options.OtlpEndpoint ?? (Environment.GetEnvironmentVariable(OtlpEndpointVariable) is { Length: > 0 } env && Uri.TryCreate(env, UriKind.Absolute, out var uri) ? uri : null);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("objectstore", serviceInstanceId: siloName))
            .WithMetrics(metrics =>
            {
                foreach (var meter in Meters) metrics.AddMeter(meter);
                if (options.Prometheus) metrics.AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is null && configureTracing is null) return;
        telemetry.WithTracing(tracing =>
        {
            tracing.SetSampler(new ParentBasedSampler(new AlwaysOnSampler()));
            foreach (var source in Sources) tracing.AddSource(source);
            tracing.AddAspNetCoreInstrumentation();
            tracing.AddHttpClientInstrumentation();
            if (otlp is not null) tracing.AddOtlpExporter(o => o.Endpoint = otlp);
            configureTracing?.Invoke(tracing);
        });
    }

    /// <summary>
    /// Serves <c>/metrics</c> ahead of the API pipeline (so the web concurrency gate and auth never see it): on the HTTP
    /// port, or only on <c>metrics.prometheus_addr</c>'s listener when one is set.
    /// </summary>
    public static void MapScrapingEndpoint(WebApplication app, MetricsOptions options, Func<int> publicPort)
    {
        if (!options.Prometheus) return;
        if (options.PrometheusAddr is not { Port: var metricsPort })
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsMetricsPath(context) && context.Connection.LocalPort == publicPort());
            return;
        }
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsMetricsPath(context) && context.Connection.LocalPort == metricsPort);
        // The metrics listener serves nothing else (never the API, which has its auth on the HTTP port).
        app.MapWhen(context => context.Connection.LocalPort == metricsPort, other => other.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));
    }

    private static bool IsMetricsPath(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Equals("/metrics", StringComparison.Ordinal);
}

/// <summary>
/// The server's gauges on the meter "ObjectStore.Silo", observed at scrape time: the web concurrency gate
/// (objectstore's <c>server.requests.in_flight</c>/<c>limit</c>), the backend permits (<c>service.concurrency.*</c>) and the
/// change-log cleanup backlog. One per server; disposed with it.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "ObjectStore.Silo";

    private readonly Meter _meter = new(MeterName);

    /// <summary>Creates the gauges over the live objects.</summary>
    public ServerMetrics(WebConcurrencyGate gate, ServiceConcurrencyLimiter limiter, ServiceLimitOptions limits, BackgroundJobLoop jobs)
    {
        _meter.CreateObservableGauge("objectstore.server.requests.in_flight", () => gate.InFlight, "{request}", "API requests in flight (the web concurrency gate)");
        _meter.CreateObservableGauge("objectstore.server.requests.limit", () => gate.Limit, "{request}", "http.max_requests");
        _meter.CreateObservableGauge("objectstore.service.concurrency.in_use", () => limiter.InUse, "{permit}", "Backend permits in use");
        _meter.CreateObservableGauge("objectstore.service.concurrency.limit", () => limiter.Limit, "{permit}", "service.max_concurrency");
        _meter.CreateObservableGauge("objectstore.service.concurrency.queued", () => limiter.Queued, "{operation}", "Operations waiting for a backend permit");
        _meter.CreateObservableGauge("objectstore.service.concurrency.queue_limit", () => limits.ConcurrencyQueue, "{operation}", "service.concurrency_queue");
        _meter.CreateObservableGauge("objectstore.service.concurrency.bulk_in_use", () => limiter.BulkInUse, "{permit}", "Bulk (batch) permits in use");
        _meter.CreateObservableGauge("objectstore.service.concurrency.bulk_limit", () => limiter.BulkLimit, "{permit}", "Bulk permits (service.bulk_concurrency_pct of the limit)");
        _meter.CreateObservableGauge("objectstore.changelog.backlog", () => jobs.Outstanding, "{job}", "Change-log cleanups queued or running in this process");
        _meter.CreateObservableCounter("objectstore.changelog.dropped", () => jobs.Dropped, "{job}", "Change-log cleanups dropped at a forced shutdown (left to recovery)");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
