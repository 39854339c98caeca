using System.Text;
using ObjectStore.Gateway.Tests.Http;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// <c>PATCH /v1/objects/{u}/{s}/{key}</c> expiry extension on the wire (docs/api.md "Expiry extension"; objectstore
/// server post-0.2.0 <c>object_patch</c>): every status branch, both tiers, and the object readable afterwards.
/// </summary>
public abstract class ExpiryConformance
{
    private readonly ConformanceServer _server;

    private protected ExpiryConformance(ConformanceServer server) => _server = server;

    private static string Unique(string name) => $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/{name}";

    private Task<RawResponse> Patch(string path, string json, string contentType = "application/json") =>
        _server.SendAsync("PATCH", path, Encoding.UTF8.GetBytes(json), [("content-type", contentType)]);

    private static DateTimeOffset Timestamp(RawResponse response, string name) =>
        DateTimeOffset.Parse(response.Header(name)!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Extending_a_small_ttl_object_from_creation_is_204_and_GET_shows_the_new_deadline_and_ttl()
    {
        var path = Unique("small");
        await _server.SendAsync("PUT", path, "payload"u8.ToArray(), [("x-sn-expiration", "ttl:1h"), ("x-snme-kept", "yes")]);

        var patch = await Patch(path, """{"extend_expiry": {"after": "30d", "from": "creation"}}""");

        Assert.Equal(204, patch.Status);
        Assert.Empty(patch.Body);
        var get = await _server.SendAsync("GET", path);
        Assert.Equal("ttl:30d", get.Header("x-sn-expiration"));
        Assert.Equal(Timestamp(get, "x-sn-time-created") + TimeSpan.FromDays(30), Timestamp(get, "x-sn-time-expires"));
        Assert.Equal("yes", get.Header("x-snme-kept"));
        Assert.Equal("payload", Wire.Text(get));
    }

    [Fact]
    public async Task Extending_a_large_tti_object_to_an_absolute_deadline_is_204_and_it_still_reads_whole()
    {
        var path = Unique("large");
        var body = new byte[2 * 1024 * 1024 + 3];
        new Random(7).NextBytes(body);
        await _server.SendAsync("PUT", path, body, [("x-sn-expiration", "tti:1h")]);
        var at = DateTimeOffset.UtcNow.AddDays(10);

        var wireAt = at.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", System.Globalization.CultureInfo.InvariantCulture);
        var patch = await Patch(path, "{\"extend_expiry\": {\"at\": \"" + wireAt + "\"}}");

        Assert.Equal(204, patch.Status);
        var get = await _server.SendAsync("GET", path);
        Assert.Equal("tti:1h", get.Header("x-sn-expiration"));
        Assert.Equal(at.ToUnixTimeMilliseconds(), Timestamp(get, "x-sn-time-expires").ToUnixTimeMilliseconds());
        Assert.Equal(body, get.Body);
    }

    [Fact]
    public async Task A_deadline_is_never_shortened_and_an_earlier_request_is_still_204()
    {
        var path = Unique("long");
        await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-sn-expiration", "ttl:10d")]);
        var before = await _server.SendAsync("HEAD", path);

        Assert.Equal(204, (await Patch(path, """{"extend_expiry": {"after": "1h", "from": "now"}}""")).Status);

        var after = await _server.SendAsync("HEAD", path);
        Assert.Equal(before.Header("x-sn-time-expires"), after.Header("x-sn-time-expires"));
        Assert.Equal("ttl:10d", after.Header("x-sn-expiration"));
    }

    [Fact]
    public async Task An_absent_object_is_404_with_an_empty_body_and_is_not_created()
    {
        var path = Unique("absent");
        var patch = await Patch(path, """{"extend_expiry": {"after": "1d", "from": "now"}}""");
        Assert.Equal(404, patch.Status);
        Assert.Empty(patch.Body);
        Assert.Equal(404, (await _server.SendAsync("GET", path)).Status);
    }

    [Fact]
    public async Task A_non_expiring_object_is_409_and_stays_manual()
    {
        var path = Unique("manual");
        await _server.SendAsync("PUT", path, "x"u8.ToArray());
        var patch = await Patch(path, """{"extend_expiry": {"after": "1d", "from": "now"}}""");
        Assert.Equal(409, patch.Status);
        Assert.Equal("expiry extension could not be satisfied", Wire.Detail(patch));
        var head = await _server.SendAsync("HEAD", path);
        Assert.Null(head.Header("x-sn-expiration"));
        Assert.Null(head.Header("x-sn-time-expires"));
    }

    [Theory]
    [InlineData("""{"extend_expiry": {"at": "tomorrow"}}""", "extend_expiry.at")]
    [InlineData("""{"extend_expiry": {"at": "2030-01-01T00:00:00"}}""", "extend_expiry.at")]
    [InlineData("""{"extend_expiry": {"at": "1969-12-31T23:59:59Z"}}""", "extend_expiry.at")]
    [InlineData("""{"extend_expiry": {"after": "soon", "from": "now"}}""", "extend_expiry.after")]
    [InlineData("""{"extend_expiry": {"after": "-1d", "from": "now"}}""", "extend_expiry.after")]
    [InlineData("""{"extend_expiry": {"after": "1d", "from": "yesterday"}}""", "extend_expiry.from")]
    [InlineData("""{"extend_expiry": {"after": "1d"}}""", "missing field `from`")]
    [InlineData("""{"extend_expiry": {"at": "2030-01-01T00:00:00Z", "after": "1d", "from": "now"}}""", "unknown field")]
    [InlineData("""{"extend_expiry": {}}""", "expected `at` or `after`")]
    [InlineData("""{"extend": {"after": "1d", "from": "now"}}""", "unknown field")]
    [InlineData("""[]""", "expected struct")]
    public async Task A_bad_timestamp_duration_or_shape_is_422_plain_text_and_changes_nothing(string json, string mentions)
    {
        var path = Unique("bad");
        await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-sn-expiration", "ttl:1h")]);
        var before = (await _server.SendAsync("HEAD", path)).Header("x-sn-time-expires");

        var patch = await Patch(path, json);

        Assert.Equal(422, patch.Status);
        Assert.StartsWith("Failed to deserialize the JSON body into the target type: ", Wire.Text(patch));
        Assert.Contains(mentions, Wire.Text(patch), StringComparison.Ordinal);
        Assert.Equal(before, (await _server.SendAsync("HEAD", path)).Header("x-sn-time-expires"));
    }

    [Fact]
    public async Task Malformed_json_is_400_a_wrong_content_type_415_and_a_deadline_past_any_timestamp_400()
    {
        var path = Unique("framing");
        await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-sn-expiration", "ttl:1h")]);

        var malformed = await Patch(path, """{"extend_expiry": """);
        var wrongType = await Patch(path, """{"extend_expiry": {"after": "1d", "from": "now"}}""", "text/plain");
        var tooFar = await Patch(path, """{"extend_expiry": {"after": "3000000d", "from": "now"}}""");
        var session = await _server.SendAsync("PATCH", path + "?upload_type=resumable", Encoding.UTF8.GetBytes("""{"extend_expiry": {"after": "1d", "from": "now"}}"""), [("content-type", "application/json")]);

        Assert.Equal(400, malformed.Status);
        Assert.StartsWith("Failed to parse the request body as JSON: ", Wire.Text(malformed));
        Assert.Equal(415, wrongType.Status);
        Assert.Equal("Expected request with `Content-Type: application/json`", Wire.Text(wrongType));
        Assert.Equal(400, tooFar.Status);
        Assert.Equal("client error: expiration deadline is outside supported range", Wire.Detail(tooFar));
        Assert.Equal(400, session.Status);
        Assert.Equal("ttl:1h", (await _server.SendAsync("HEAD", path)).Header("x-sn-expiration"));
    }
}

public sealed class ExpiryConformanceTests(SharedServerFixture fixture) : ExpiryConformance(fixture.Server), IClassFixture<SharedServerFixture>;

/// <summary>The same against a PostgreSQL + S3 cluster.</summary>
public sealed class ClusterExpiryConformanceTests(ClusterServerFixture fixture) : ExpiryConformance(fixture.Server), IClassFixture<ClusterServerFixture>;
