using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// <c>/health</c>, <c>/ready</c> and <c>/keda</c> (api doc §3.6). They bypass auth, killswitches, rate limits and
/// the 503 gate, and are not counted as requests.
/// </summary>
internal static class InternalEndpoints
{
    /// <summary>The Prometheus text exposition content type.</summary>
    public const string KedaContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Answers one internal request (GET or HEAD).</summary>
    public static Task HandleAsync(HttpContext http, ApiRoute route, GatewayServices services) => route switch
    {
        ApiRoute.Health => TextAsync(http, 200, "OK"),
        ApiRoute.Ready => ReadyAsync(http, services.Readiness),
        _ => KedaAsync(http, services),
    };

    private static async Task ReadyAsync(HttpContext http, Readiness readiness)
    {
        var reason = await readiness.NotReadyReasonAsync(http.RequestAborted).ConfigureAwait(false);
        await (reason is null ? TextAsync(http, 200, "OK") : TextAsync(http, 503, reason)).ConfigureAwait(false);
    }

    /// <summary>The gauges in the §3.6 order; the two limits only when configured.</summary>
    public static string Metrics(GatewayServices services)
    {
        var text = new StringBuilder(1024);
        Metric(text, "objectstore_bytes_total", "Total bytes metered by the bandwidth limiter.", "counter", services.RateLimiter.BytesTotal);
        Metric(text, "objectstore_requests_total", "Total requests admitted by the throughput limiter.", "counter", services.RateLimiter.RequestsTotal);
        Metric(text, "objectstore_requests_in_flight", "Requests currently in flight.", "gauge", services.WebGate.InFlight);
        Metric(text, "objectstore_requests_limit", "Maximum concurrent requests (http.max_requests).", "gauge", services.WebGate.Limit);
        Metric(text, "objectstore_tasks_running", "Backend operations holding a service permit.", "gauge", services.ServiceLimiter.InUse);
        Metric(text, "objectstore_tasks_limit", "Maximum concurrent backend operations (service.max_concurrency).", "gauge", services.ServiceLimiter.Limit);
        if (services.RateLimiter.BandwidthLimit is { } bps)
            Metric(text, "objectstore_bandwidth_limit", "Global bandwidth limit in bytes per second.", "gauge", bps);
        if (services.RateLimiter.ThroughputLimit is { } rps)
            Metric(text, "objectstore_throughput_limit", "Global throughput limit in requests per second.", "gauge", rps);
        return text.ToString();
    }

    private static Task KedaAsync(HttpContext http, GatewayServices services)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = KedaContentType;
        return http.Response.WriteAsync(Metrics(services), http.RequestAborted);
    }

    private static Task TextAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ErrorResponses.TextContentType;
        return http.Response.WriteAsync(body, http.RequestAborted);
    }

    private static void Metric(StringBuilder text, string name, string help, string type, double value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
