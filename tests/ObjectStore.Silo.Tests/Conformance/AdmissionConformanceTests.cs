using System.Text;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>Killswitches, rate limits, usecase policies, the 503 gate, service capacity and readiness on the wire (api doc §3.6, §10).</summary>
public sealed class AdmissionConformanceTests
{
    [Fact]
    public async Task A_matching_killswitch_is_403_plain_text_and_others_pass()
    {
        await using var server = await ConformanceServer.StartAsync(("KILLSWITCHES", "[{usecase=killed, scopes={org=\"1\"}}, {service=\"relay*\"}]"));
        var killed = await server.SendAsync("PUT", "/v1/objects/killed/org=1;project=2/k", "x"u8.ToArray());
        Assert.Equal(403, killed.Status);
        Assert.Equal("Object access is disabled for this scope through killswitches", Wire.Text(killed));
        Assert.StartsWith("text/plain", killed.Header("content-type"));
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/killed/org=2/k", "x"u8.ToArray())).Status);
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/alive/org=1/k", "x"u8.ToArray())).Status);
        // The downstream service header is normalised (pod suffixes stripped) and matched by glob.
        Assert.Equal(403, (await server.SendAsync("GET", "/v1/objects/alive/org=1/k", headers: [("x-downstream-service", "relay-worker-7d4b9c8f6d-x2k9p")])).Status);
        Assert.Equal(200, (await server.SendAsync("GET", "/v1/objects/alive/org=1/k", headers: [("x-downstream-service", "ingest")])).Status);
    }

    [Fact]
    public async Task Exhausted_throughput_is_429_plain_text_without_retry_after()
    {
        // Capacity 2 and a refill far slower than the test: the third request must be rejected.
        await using var server = await ConformanceServer.StartAsync(("RATE_LIMITS__THROUGHPUT__GLOBAL_RPS", "0.001"), ("RATE_LIMITS__THROUGHPUT__BURST", "2"));
        Assert.Equal(404, (await server.SendAsync("GET", "/v1/objects/limited/_/a")).Status);
        Assert.Equal(404, (await server.SendAsync("GET", "/v1/objects/limited/_/b")).Status);
        var limited = await server.SendAsync("GET", "/v1/objects/limited/_/c");
        Assert.Equal(429, limited.Status);
        Assert.Equal("Object access is rate limited", Wire.Text(limited));
        Assert.Null(limited.Header("retry-after"));
        // Internal endpoints are not rate limited; /keda reports the admitted requests and the limit.
        var keda = Wire.Text(await server.SendAsync("GET", "/keda"));
        Assert.Contains("objectstore_requests_total 2\n", keda);
        Assert.Contains("objectstore_throughput_limit 0.001\n", keda);
    }

    [Fact]
    public async Task Uploaded_bytes_are_charged_to_bandwidth_and_exhausted_bandwidth_is_429()
    {
        // 1 byte/s without burst: a 100-byte upload puts the bucket 100 s in debt, far beyond the test.
        await using var server = await ConformanceServer.StartAsync(("RATE_LIMITS__BANDWIDTH__GLOBAL_BPS", "1"), ("RATE_LIMITS__BANDWIDTH__BURST_MS", "0"));
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/bandwidth/_/a", new byte[100], chunked: true)).Status);
        var limited = await server.SendAsync("GET", "/v1/objects/bandwidth/_/a");
        Assert.Equal(429, limited.Status);
        Assert.Equal("Object access is rate limited", Wire.Text(limited));
        var keda = Wire.Text(await server.SendAsync("GET", "/keda"));
        Assert.Contains("objectstore_bytes_total 100\n", keda);
        Assert.Contains("objectstore_bandwidth_limit 1\n", keda);
    }

    [Fact]
    public async Task A_usecase_policy_violation_is_400_json()
    {
        await using var server = await ConformanceServer.StartAsync(
            ("USECASES__ATTACHMENTS__EXPIRATION__MANUAL__ALLOWED", "false"), ("USECASES__ATTACHMENTS__EXPIRATION__TTL__MAX", "1h"),
            ("USECASES__REPLAYS__EXPIRATION__MAX", "1h"));
        var manual = await server.SendAsync("PUT", "/v1/objects/attachments/_/k", "x"u8.ToArray());
        Assert.Equal(400, manual.Status);
        Assert.Equal("client error: expiration policy 'manual' is not allowed for use case 'attachments'", Wire.Detail(manual));
        var tooLong = await server.SendAsync("PUT", "/v1/objects/attachments/_/k", "x"u8.ToArray(), [("x-sn-expiration", "ttl:2h")]);
        Assert.Equal(400, tooLong.Status);
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/attachments/_/k", "x"u8.ToArray(), [("x-sn-expiration", "ttl:1h")])).Status);
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/other/_/k", "x"u8.ToArray())).Status);
        // expiration.max (objectstore post-0.2.0) caps TTL and TTI alike.
        foreach (var policy in new[] { "ttl:2h", "tti:2h" })
        {
            var capped = await server.SendAsync("PUT", "/v1/objects/replays/_/k", "x"u8.ToArray(), [("x-sn-expiration", policy)]);
            Assert.Equal(400, capped.Status);
            Assert.Equal("client error: expiration duration 2h exceeds maximum of 1h for use case 'replays'", Wire.Detail(capped));
        }
        Assert.Equal(200, (await server.SendAsync("PUT", "/v1/objects/replays/_/k", "x"u8.ToArray(), [("x-sn-expiration", "tti:1h")])).Status);
    }

    [Fact]
    public async Task An_expiry_extension_beyond_the_usecase_max_from_now_is_400_and_changes_nothing()
    {
        await using var server = await ConformanceServer.StartAsync(("USECASES__REPLAYS__EXPIRATION__MAX", "2d"));
        const string path = "/v1/objects/replays/_/k";
        Assert.Equal(200, (await server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-sn-expiration", "ttl:1d")])).Status);
        var before = (await server.SendAsync("HEAD", path)).Header("x-sn-time-expires");
        static byte[] Body(string after, string from) => Encoding.UTF8.GetBytes("{\"extend_expiry\": {\"after\": \"" + after + "\", \"from\": \"" + from + "\"}}");

        var beyond = await server.SendAsync("PATCH", path, Body("3d", "now"), [("content-type", "application/json")]);

        Assert.Equal(400, beyond.Status);
        Assert.Equal("client error: expiration deadline exceeds the maximum lifetime from now for use case 'replays'", Wire.Detail(beyond));
        Assert.Equal(before, (await server.SendAsync("HEAD", path)).Header("x-sn-time-expires"));
        // Within the cap, measured from now, the same object extends.
        Assert.Equal(204, (await server.SendAsync("PATCH", path, Body("2d", "creation"), [("content-type", "application/json")])).Status);
        Assert.Equal("ttl:2d", (await server.SendAsync("HEAD", path)).Header("x-sn-expiration"));
    }

    [Fact]
    public async Task The_web_gate_at_zero_rejects_every_v1_request_with_an_empty_503_while_internal_endpoints_answer()
    {
        await using var server = await ConformanceServer.StartAsync(("HTTP__MAX_REQUESTS", "0"));
        var rejected = await server.SendAsync("GET", "/v1/objects/gate/_/k");
        Assert.Equal(503, rejected.Status);
        Assert.Empty(rejected.Body);
        Assert.Null(rejected.Header("retry-after"));
        var health = await server.SendAsync("GET", "/health");
        Assert.Equal(200, health.Status);
        Assert.Equal("OK", Wire.Text(health));
        Assert.Equal(200, (await server.SendAsync("GET", "/ready")).Status);
        var keda = await server.SendAsync("GET", "/keda");
        Assert.Equal(200, keda.Status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", keda.Header("content-type"));
        Assert.Contains("objectstore_requests_limit 0\n", Wire.Text(keda));
    }

    [Fact]
    public async Task Keda_lists_the_gauges_in_order_with_help_and_type()
    {
        await using var server = await ConformanceServer.StartAsync();
        var lines = Wire.Text(await server.SendAsync("GET", "/keda")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] names = ["objectstore_bytes_total", "objectstore_requests_total", "objectstore_requests_in_flight", "objectstore_requests_limit", "objectstore_tasks_running", "objectstore_tasks_limit"];
        Assert.Equal(names.Length * 3, lines.Length);
        for (var i = 0; i < names.Length; i++)
        {
            Assert.StartsWith($"# HELP {names[i]} ", lines[3 * i]);
            Assert.Matches($"^# TYPE {names[i]} (counter|gauge)$", lines[3 * i + 1]);
            Assert.Matches($"^{names[i]} [0-9.]+$", lines[3 * i + 2]);
        }
    }

    [Fact]
    public async Task Ready_turns_503_Shutting_down_while_the_down_file_exists()
    {
        await using var server = await ConformanceServer.StartAsync();
        Assert.Equal("OK", Wire.Text(await server.SendAsync("GET", "/ready")));
        await File.WriteAllTextAsync(server.DownFile, "");
        var down = await server.SendAsync("GET", "/ready");
        Assert.Equal(503, down.Status);
        Assert.Equal("Shutting down", Wire.Text(down));
        Assert.Equal(200, (await server.SendAsync("GET", "/health")).Status);
        File.Delete(server.DownFile);
        Assert.Equal(200, (await server.SendAsync("GET", "/ready")).Status);
    }

    [Fact]
    public async Task Exhausted_service_permits_are_429_json()
    {
        await using var server = await ConformanceServer.StartAsync(("SERVICE__MAX_CONCURRENCY", "1"), ("SERVICE__CONCURRENCY_QUEUE", "0"));
        // An upload whose body never finishes holds the only permit.
        await using var holder = await Gateway.Tests.Http.RawHttpConnection.OpenAsync(server.Port);
        await holder.SendAsync(Encoding.ASCII.GetBytes($"PUT /v1/objects/cap/_/held HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\npartial"));
        // Wait until the upload holds the permit (a probe racing it could take the permit first and make it the 429).
        await WaitForMetricAsync(server, "objectstore_tasks_running 1\n");
        var response = await server.SendAsync("GET", "/v1/objects/cap/_/other");
        Assert.Equal(429, response.Status);
        Assert.Equal("service error: concurrency limit reached", Wire.Detail(response));
        Assert.Null(response.Header("retry-after"));
    }

    [Fact]
    public async Task Stopping_lets_an_in_flight_upload_finish_before_the_server_goes()
    {
        var server = await ConformanceServer.StartAsync();
        await using var upload = await Gateway.Tests.Http.RawHttpConnection.OpenAsync(server.Port);
        await upload.SendAsync(Encoding.ASCII.GetBytes("PUT /v1/objects/drain/_/k HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nfirst"));
        // The stop begins once the upload is in flight.
        await WaitForMetricAsync(server, "objectstore_requests_in_flight 1\n");
        var stopping = server.DisposeAsync().AsTask();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted);
        await upload.SendAsync("-half"u8.ToArray());
        var response = await upload.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        await stopping;
    }

    private static async Task WaitForMetricAsync(ConformanceServer server, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Wire.Text(await server.SendAsync("GET", "/keda")).Contains(line))
        {
            Assert.True(DateTime.UtcNow < deadline, $"/keda never showed '{line.Trim()}'");
            await Task.Delay(20);
        }
    }
}
