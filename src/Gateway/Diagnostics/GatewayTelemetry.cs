using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;

namespace ObjectStore.Gateway.Diagnostics;

/// <summary>
/// The HTTP API's request telemetry: one span per <c>/v1</c> request on the ActivitySource "ObjectStore.Gateway"
/// (a child of the caller's W3C <c>traceparent</c> when one came), and objectstore's request metrics on the meter
/// "ObjectStore.Gateway": <c>objectstore.server.requests</c>, <c>objectstore.server.requests.duration</c>,
/// <c>objectstore.{operation}.latency</c>, <c>objectstore.put.size</c>/<c>get.size</c> and
/// <c>objectstore.server.bytes</c>, tagged <c>operation</c>, <c>usecase</c>, <c>status_class</c> and <c>tier</c>
/// where one applies.
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "ObjectStore.Gateway";

    private static readonly ActivitySource s_source = new(Name);
    private static readonly Meter s_meter = new(Name);

    // Without advice the SDK's default buckets (0, 5, 10, 25 … 10000) suit milliseconds: every request in seconds fell
    // into le="5" and every quantile was meaningless. Latency: 1 ms to 2 min (large objects); size: 1 KiB to 4 GiB.
    private static readonly InstrumentAdvice<double> s_seconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    };
    private static readonly InstrumentAdvice<long> s_bytesAdvice = new()
    {
        HistogramBucketBoundaries = [1L << 10, 4L << 10, 16L << 10, 64L << 10, 256L << 10, 1L << 20, 4L << 20, 16L << 20, 64L << 20, 256L << 20, 1L << 30, 4L << 30],
    };

    private static readonly Counter<long> s_requests = s_meter.CreateCounter<long>("objectstore.server.requests", "{request}", "API requests answered");
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram("objectstore.server.requests.duration", "s", "API request duration, from routing to the last byte written", tags: null, advice: s_seconds);
    private static readonly Counter<long> s_bytes = s_meter.CreateCounter<long>("objectstore.server.bytes", "By", "Object payload bytes received (direction=in) and sent (direction=out)");
    private static readonly Histogram<long> s_putSize = s_meter.CreateHistogram("objectstore.put.size", "By", "Size of each object written", tags: null, advice: s_bytesAdvice);
    private static readonly Histogram<long> s_getSize = s_meter.CreateHistogram("objectstore.get.size", "By", "Size of each object body sent", tags: null, advice: s_bytesAdvice);
    private static readonly Counter<long> s_webRejected = s_meter.CreateCounter<long>("objectstore.web.concurrency.rejected", "{request}", "Requests refused by the web concurrency gate (http.max_requests)");

    /// <summary>Every operation name, each with its own latency histogram (objectstore's names, e.g. <c>put.latency</c>).</summary>
    public static readonly IReadOnlyList<string> Operations =
    [
        "get", "head", "put", "insert", "delete", "batch",
        "multipart.initiate", "multipart.upload_part", "multipart.list_parts", "multipart.abort", "multipart.complete",
    ];

    private static readonly Dictionary<string, Histogram<double>> s_latency = Operations.ToDictionary(
        op => op, op => s_meter.CreateHistogram($"objectstore.{op}.latency", "s", $"Latency of {op} requests", tags: null, advice: s_seconds));

    /// <summary>The operation a routed request performs (objectstore's metric vocabulary).</summary>
    public static string OperationOf(ApiRoute route, string method) => route switch
    {
        ApiRoute.Object when HttpMethods.IsGet(method) => "get",
        ApiRoute.Object when HttpMethods.IsHead(method) => "head",
        ApiRoute.Object when HttpMethods.IsPut(method) => "put",
        ApiRoute.Object when HttpMethods.IsDelete(method) => "delete",
        ApiRoute.ObjectCollection => "insert",
        ApiRoute.Batch => "batch",
        ApiRoute.MultipartCollection => "multipart.initiate",
        ApiRoute.Multipart when HttpMethods.IsDelete(method) => "multipart.abort",
        ApiRoute.Multipart => "multipart.initiate",
        ApiRoute.MultipartParts when HttpMethods.IsGet(method) => "multipart.list_parts",
        ApiRoute.MultipartParts => "multipart.upload_part",
        ApiRoute.MultipartComplete => "multipart.complete",
        _ => method.ToLowerInvariant(),
    };

    /// <summary>Operations that only ever touch LT.</summary>
    public static bool IsLongTermOnly(string operation) => operation.StartsWith("multipart.", StringComparison.Ordinal);

    /// <summary>Starts the request's server span (null when nobody listens); ASP.NET Core's own span, if any, is its parent.</summary>
    public static Activity? StartRequest(string operation, string method)
    {
        var activity = s_source.StartActivity("objectstore." + operation, ActivityKind.Internal);
        activity?.SetTag("objectstore.operation", operation);
        activity?.SetTag("http.request.method", method);
        return activity;
    }

    /// <summary>Counts a request the web concurrency gate refused.</summary>
    public static void WebRejected() => s_webRejected.Add(1);

    /// <summary>Records one answered request.</summary>
    public static void RecordRequest(Activity? activity, string operation, string? usecase, string? tier, int status, double seconds, long bytesIn, long bytesOut)
    {
        var statusClass = status switch { < 200 => "1xx", < 300 => "2xx", < 400 => "3xx", < 500 => "4xx", _ => "5xx" };
        var tags = new TagList
        {
            { "operation", operation },
            { "usecase", usecase ?? "" },
            { "status_class", statusClass },
        };
        if (tier is not null) tags.Add("tier", tier);
        s_requests.Add(1, tags);
        s_duration.Record(seconds, tags);
        if (s_latency.TryGetValue(operation, out var latency)) latency.Record(seconds, tags);
        var sizeTags = new TagList { { "usecase", usecase ?? "" } };
        if (tier is not null) sizeTags.Add("tier", tier);
        if (bytesIn > 0)
        {
            s_bytes.Add(bytesIn, new TagList { { "operation", operation }, { "usecase", usecase ?? "" }, { "direction", "in" } });
            if (operation is "put" or "insert" && status < 300) s_putSize.Record(bytesIn, sizeTags);
        }
        if (bytesOut > 0)
        {
            s_bytes.Add(bytesOut, new TagList { { "operation", operation }, { "usecase", usecase ?? "" }, { "direction", "out" } });
            if (operation == "get" && status < 300) s_getSize.Record(bytesOut, sizeTags);
        }
        if (activity is null) return;
        activity.SetTag("objectstore.usecase", usecase);
        if (tier is not null) activity.SetTag("objectstore.tier", tier);
        activity.SetTag("http.response.status_code", status);
        if (status >= 500) activity.SetStatus(ActivityStatusCode.Error);
    }
}
