using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenTelemetry.Trace;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// Telemetry observed from a running server: <c>/metrics</c> scraped after traffic (operation metrics with their tags,
/// the concurrency gauges, Orleans' meter), its switches (<c>metrics.prometheus</c>, <c>metrics.prometheus_addr</c>),
/// and one trace per request from a caller's <c>traceparent</c> through gateway → grain → storage.
/// </summary>
public sealed partial class TelemetryConformanceTests
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Metrics_shows_each_operation_with_usecase_status_class_and_tier_after_traffic()
    {
        await using var server = await ConformanceServer.StartAsync();
        var usecase = "metrics" + Guid.NewGuid().ToString("N")[..8];
        var small = $"/v1/objects/{usecase}/org=1/small";
        var large = $"/v1/objects/{usecase}/org=1/large";
        Assert.Equal(200, (await server.SendAsync("PUT", small, new byte[100])).Status);
        Assert.Equal(200, (await server.SendAsync("PUT", large, new byte[1_100_000])).Status);
        Assert.Equal(200, (await server.SendAsync("GET", small)).Status);
        Assert.Equal(200, (await server.SendAsync("GET", large)).Status);
        Assert.Equal(200, (await server.SendAsync("HEAD", small)).Status);
        Assert.Equal(404, (await server.SendAsync("GET", $"/v1/objects/{usecase}/org=1/missing")).Status);
        Assert.Equal(204, (await server.SendAsync("DELETE", small)).Status);

        var text = await ScrapeAsync(server.PortOf(0));

        AssertSeries(text, "objectstore_server_requests_total", ("operation", "put"), ("usecase", usecase), ("status_class", "2xx"), ("tier", "hv"));
        AssertSeries(text, "objectstore_server_requests_total", ("operation", "put"), ("usecase", usecase), ("status_class", "2xx"), ("tier", "lt"));
        AssertSeries(text, "objectstore_server_requests_total", ("operation", "get"), ("usecase", usecase), ("status_class", "4xx"));
        AssertSeries(text, "objectstore_put_latency_seconds_bucket", ("usecase", usecase), ("tier", "lt"));
        AssertSeries(text, "objectstore_get_latency_seconds_count", ("usecase", usecase), ("tier", "hv"), ("status_class", "2xx"));
        AssertSeries(text, "objectstore_head_latency_seconds_count", ("usecase", usecase));
        AssertSeries(text, "objectstore_delete_latency_seconds_count", ("usecase", usecase), ("status_class", "2xx"));
        AssertSeries(text, "objectstore_put_size_bytes_sum", ("usecase", usecase), ("tier", "lt"));
        AssertSeries(text, "objectstore_get_size_bytes_sum", ("usecase", usecase), ("tier", "lt"));
        AssertSeries(text, "objectstore_server_bytes_total", ("operation", "put"), ("usecase", usecase), ("direction", "in"));
        // Buckets in seconds and bytes, not the SDK's millisecond defaults (every request in le="5").
        AssertSeries(text, "objectstore_put_latency_seconds_bucket", ("usecase", usecase), ("le", "0.005"));
        AssertSeries(text, "objectstore_server_requests_duration_seconds_bucket", ("usecase", usecase), ("le", "0.25"));
        AssertSeries(text, "objectstore_put_size_bytes_bucket", ("usecase", usecase), ("le", "1048576"));
        foreach (var gauge in (string[])["objectstore_server_requests_in_flight", "objectstore_server_requests_limit", "objectstore_service_concurrency_in_use",
                     "objectstore_service_concurrency_limit", "objectstore_service_concurrency_queued", "objectstore_changelog_backlog", "objectstore_grains_cache_hit_ratio"])
            Assert.Matches(new Regex($"^{gauge}(\\{{| )", RegexOptions.Multiline), text);
        // The existing instruments and Orleans' own meter are exported too.
        Assert.Matches(new Regex("^objectstore_grains_cache_misses_total", RegexOptions.Multiline), text);
        Assert.Matches(new Regex("^orleans_", RegexOptions.Multiline), text);
        // And .NET's: the GC heap and the working set an operator sizes a silo by.
        Assert.Matches(new Regex("^dotnet_gc_", RegexOptions.Multiline), text);
        Assert.Matches(new Regex("^dotnet_process_memory_working_set", RegexOptions.Multiline), text);
    }

    [Fact]
    public async Task Metrics_is_answered_even_when_the_web_concurrency_gate_admits_nothing()
    {
        await using var server = await ConformanceServer.StartAsync(("HTTP__MAX_REQUESTS", "0"));
        Assert.Equal(503, (await server.SendAsync("GET", "/v1/objects/gate/org=1/key")).Status);
        var text = await ScrapeAsync(server.PortOf(0));
        Assert.Contains("objectstore_web_concurrency_rejected_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_prometheus_false_turns_the_endpoint_off()
    {
        await using var server = await ConformanceServer.StartAsync(("METRICS__PROMETHEUS", "false"));
        Assert.Equal(404, (await server.SendAsync("GET", "/metrics")).Status);
    }

    [Fact]
    public async Task Metrics_prometheus_addr_moves_the_endpoint_to_its_own_listener()
    {
        var port = FreePort();
        await using var server = await ConformanceServer.StartAsync(("METRICS__PROMETHEUS_ADDR", $"127.0.0.1:{port}"));
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/addr/org=1/key", "x"u8.ToArray())).Status);

        Assert.Contains("objectstore_server_requests_total", await ScrapeAsync(port), StringComparison.Ordinal);
        Assert.Equal(404, (await server.SendAsync("GET", "/metrics")).Status);
        // The metrics listener serves nothing else: never the API.
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"http://127.0.0.1:{port}/v1/objects/addr/org=1/key")).StatusCode);
    }

    [Fact]
    public async Task A_callers_traceparent_continues_through_gateway_grain_and_storage()
    {
        var spans = new ExportedSpans();
        await using var server = await ConformanceServer.StartAsync(tracing => tracing.AddInMemoryExporter(spans));
        var traceId = ActivityTraceId.CreateRandom();
        var parent = ActivitySpanId.CreateRandom();
        var traceparent = $"00-{traceId.ToHexString()}-{parent.ToHexString()}-01";
        var key = $"/v1/objects/traced/org=1/{Guid.NewGuid():N}";

        Assert.Equal(200, (await server.SendAsync("PUT", key, "payload"u8.ToArray(), [("traceparent", traceparent)])).Status);
        Assert.Equal(200, (await server.SendAsync("GET", key, headers: [("traceparent", traceparent)])).Status);

        // ASP.NET Core's server span ends last, after the client already has the answer: wait for both requests' to be exported.
        Activity[] ours;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            ours = spans.Snapshot().Where(s => s.TraceId == traceId).ToArray();
            if (ours.Count(s => s.Source.Name == "Microsoft.AspNetCore") == 2) break;
            Assert.True(DateTime.UtcNow < deadline, "the server spans were never exported");
            await Task.Delay(20);
        }
        var gateway = Assert.Single(ours, s => s.Source.Name == "ObjectStore.Gateway" && s.DisplayName == "objectstore.put");
        Assert.Equal("traced", gateway.GetTagItem("objectstore.usecase"));
        Assert.Equal("hv", gateway.GetTagItem("objectstore.tier"));
        Assert.Contains(ours, s => s.Source.Name == "ObjectStore.Gateway" && s.DisplayName == "objectstore.get");
        // The grain call, on both sides of Orleans' messaging, carried the context.
        Assert.Contains(ours, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("PutInline", StringComparison.Ordinal));
        var storage = Assert.Single(ours, s => s.Source.Name == "ObjectStore.Storage" && s.DisplayName == "storage.put_inline");
        Assert.Equal("hv", storage.GetTagItem("objectstore.tier"));
        // Every span of the request hangs off the caller's span, directly or through ours.
        var ids = ours.Select(s => s.SpanId).Append(parent).ToHashSet();
        Assert.All(ours, s => Assert.Contains(s.ParentSpanId, ids));
    }

    /// <summary>The in-memory exporter's list, safe to read while the server exports into it.</summary>
    private sealed class ExportedSpans : System.Collections.ObjectModel.Collection<Activity>
    {
        public Activity[] Snapshot()
        {
            lock (Items) return [.. Items];
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (Items) base.InsertItem(index, item);
        }
    }

    [Fact]
    public async Task Every_metric_the_Grafana_dashboard_queries_is_exported_by_a_running_server()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docker", "grafana", "objectstore.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToArray();
        var metrics = queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).Distinct().ToArray();
        Assert.True(metrics.Length >= 10, $"the dashboard queries only {metrics.Length} metrics");

        await using var server = await ConformanceServer.StartAsync();
        var usecase = "dashboard";
        Assert.Equal(200, (await server.SendAsync("PUT", $"/v1/objects/{usecase}/org=1/small", new byte[100])).Status);
        Assert.Equal(200, (await server.SendAsync("PUT", $"/v1/objects/{usecase}/org=1/large", new byte[1_100_000])).Status);
        Assert.Equal(200, (await server.SendAsync("GET", $"/v1/objects/{usecase}/org=1/large")).Status);
        Assert.Equal(404, (await server.SendAsync("GET", $"/v1/objects/{usecase}/org=1/missing")).Status);
        var text = await ScrapeAsync(server.PortOf(0));

        var exported = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet();
        var missing = metrics.Where(m => !exported.Contains(m)).ToArray();
        Assert.True(missing.Length == 0, $"the dashboard queries metrics the server does not export: {string.Join(", ", missing)}");
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    // Metric names in PromQL: ours and Orleans' (functions, labels and $__ variables never start with these).
    [GeneratedRegex(@"\b(?:objectstore|orleans)_[a-z0-9_]+")]
    private static partial Regex MetricName();

    private static async Task<string> ScrapeAsync(int port)
    {
        var response = await Client.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Asserts a sample line of <paramref name="metric"/> carrying every label given.</summary>
    private static void AssertSeries(string text, string metric, params (string Name, string Value)[] labels)
    {
        var lines = text.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Any(l => labels.All(label => l.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal))),
            $"no {metric} sample with {string.Join(", ", labels.Select(l => $"{l.Name}={l.Value}"))}; samples:\n{string.Join('\n', lines.Take(20))}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
