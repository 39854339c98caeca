using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>Single-object endpoints on the wire (api doc §2, §3.2–§3.5, §5, §6) against the embedded default.</summary>
public abstract partial class ObjectConformance
{
    private readonly ConformanceServer _server;

    private protected ObjectConformance(ConformanceServer server) => _server = server;

    private static string Unique(string name) => $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/{name}";

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")]
    private static partial Regex Timestamp();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV4();

    public static TheoryData<string> ContractKeys => new()
    {
        "plain-key", "with space", "café-unicode", "emoji-😀", "plus+sign", "sub!$'()*+,=delims", "tilde~dot.key",
        "100%literal-percent", "looks%20encoded", "nested/path/segments", "quote'apostrophe", "at@sign",
        "colon:separated", "ampersand&inside", "semi;colon", "equals=sign", "1/shard-0.json", "test-key123!!",
    };

    [Theory]
    [MemberData(nameof(ContractKeys))]
    public async Task Every_contract_key_round_trips_through_PUT_and_GET(string key)
    {
        var prefix = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/";
        var payload = Encoding.UTF8.GetBytes("payload of " + key);
        var put = await _server.SendAsync("PUT", prefix + Wire.EncodeKey(key), payload);
        Assert.Equal(200, put.Status);
        using (var json = JsonDocument.Parse(put.Body)) Assert.Equal(key, json.RootElement.GetProperty("key").GetString());
        var get = await _server.SendAsync("GET", prefix + Wire.EncodeKey(key));
        Assert.Equal(200, get.Status);
        Assert.Equal(payload, get.Body);
    }

    [Fact]
    public async Task A_raw_plus_in_the_path_is_a_literal_plus()
    {
        var prefix = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/";
        Assert.Equal(200, (await _server.SendAsync("PUT", prefix + "a+b", "x"u8.ToArray())).Status);
        Assert.Equal("x", Wire.Text(await _server.SendAsync("GET", prefix + "a%2Bb")));
        Assert.Equal(404, (await _server.SendAsync("GET", prefix + "a%20b")).Status);
    }

    [Fact]
    public async Task PUT_answers_200_with_the_key_as_json_and_lowercase_headers()
    {
        var response = await _server.SendAsync("PUT", Unique("k"), "abc"u8.ToArray());
        Assert.Equal(200, response.Status);
        Wire.AssertLowercaseNames(response);
        Assert.Equal("application/json", response.Header("content-type"));
        Assert.Equal("""{"key":"k"}""", Wire.Text(response));
        Assert.Null(response.Header("retry-after"));
    }

    [Fact]
    public async Task POST_answers_201_with_a_generated_uuid_v4_key_that_reads_back()
    {
        var collection = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/";
        var response = await _server.SendAsync("POST", collection, "generated"u8.ToArray());
        Assert.Equal(201, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        var key = json.RootElement.GetProperty("key").GetString()!;
        Assert.Matches(UuidV4(), key);
        Assert.Equal("generated", Wire.Text(await _server.SendAsync("GET", collection + key)));
        // Without the trailing slash too.
        Assert.Equal(201, (await _server.SendAsync("POST", collection.TrimEnd('/'), "x"u8.ToArray())).Status);
    }

    [Fact]
    public async Task GET_sends_the_metadata_header_set_in_lowercase_with_the_contract_formats()
    {
        var path = Unique("meta");
        var put = await _server.SendAsync("PUT", path, "compressed bytes"u8.ToArray(), [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Encoding", "zstd"),
            ("X-Sn-Expiration", "ttl:1 days"),
            ("x-sn-origin", "10.0.0.1"),
            ("x-sn-filename", "dir/report.txt"),
            ("X-Snme-Color", "blue"),
            ("x-sn-time-created", "garbage is ignored"),
        ]);
        Assert.Equal(200, put.Status);
        var get = await _server.SendAsync("GET", path);
        Assert.Equal(200, get.Status);
        Wire.AssertLowercaseNames(get);
        Assert.Equal("text/plain; charset=utf-8", get.Header("content-type"));
        Assert.Equal("zstd", get.Header("content-encoding"));
        Assert.Equal("ttl:1d", get.Header("x-sn-expiration"));
        Assert.Matches(Timestamp(), get.Header("x-sn-time-created"));
        Assert.Matches(Timestamp(), get.Header("x-sn-time-expires"));
        Assert.Equal("10.0.0.1", get.Header("x-sn-origin"));
        Assert.Equal("dir/report.txt", get.Header("x-sn-filename"));
        Assert.Equal("attachment; filename=\"dir-report.txt\"", get.Header("content-disposition"));
        Assert.Equal("blue", get.Header("x-snme-color"));
        Assert.Equal("bytes", get.Header("accept-ranges"));
        Assert.Equal("compressed bytes", Wire.Text(get));
    }

    [Theory]
    [InlineData("ttl:400d 1h", "ttl:400d 1h")]
    [InlineData("tti:11months 30days 3h 50m 24s", "tti:365d")]
    [InlineData("ttl:2 weeks", "ttl:14d")]
    [InlineData("ttl:90 min", "ttl:1h 30m")]
    public async Task Expiration_durations_are_accepted_in_both_forms_and_answered_in_days_hours_minutes_seconds(string sent, string answered)
    {
        var path = Unique("duration");
        Assert.Equal(200, (await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-sn-expiration", sent)])).Status);
        Assert.Equal(answered, (await _server.SendAsync("GET", path)).Header("x-sn-expiration"));
        Assert.Equal(answered, (await _server.SendAsync("HEAD", path)).Header("x-sn-expiration"));
    }

    [Fact]
    public async Task Manual_objects_omit_expiration_headers_and_default_to_octet_stream()
    {
        var path = Unique("plain");
        await _server.SendAsync("PUT", path, "x"u8.ToArray());
        var get = await _server.SendAsync("GET", path);
        Assert.Equal("application/octet-stream", get.Header("content-type"));
        Assert.Null(get.Header("x-sn-expiration"));
        Assert.Null(get.Header("x-sn-time-expires"));
        Assert.Null(get.Header("content-encoding"));
        Assert.Matches(Timestamp(), get.Header("x-sn-time-created"));
    }

    [Fact]
    public async Task Overwriting_replaces_payload_and_all_metadata()
    {
        var path = Unique("over");
        await _server.SendAsync("PUT", path, "first"u8.ToArray(), [("x-snme-a", "1"), ("x-sn-expiration", "tti:1h")]);
        await _server.SendAsync("PUT", path, "second"u8.ToArray());
        var get = await _server.SendAsync("GET", path);
        Assert.Equal("second", Wire.Text(get));
        Assert.Null(get.Header("x-snme-a"));
        Assert.Null(get.Header("x-sn-expiration"));
    }

    [Theory]
    [InlineData("bytes=0-4", "bytes 0-4/22", "01234")]
    [InlineData("bytes=-9", "bytes 13-21/22", "DEFGHIJKL")]
    [InlineData("bytes=7-", "bytes 7-21/22", "789ABCDEFGHIJKL")]
    [InlineData("bytes=20-100", "bytes 20-21/22", "KL")]
    [InlineData("BYTES=0-0", "bytes 0-0/22", "0")]
    public async Task Satisfiable_ranges_answer_206_with_content_range(string range, string contentRange, string body)
    {
        var path = Unique("range");
        await _server.SendAsync("PUT", path, "0123456789ABCDEFGHIJKL"u8.ToArray(), [("x-snme-k", "v")]);
        var response = await _server.SendAsync("GET", path, headers: [("Range", range)]);
        Assert.Equal(206, response.Status);
        Wire.AssertLowercaseNames(response);
        Assert.Equal(contentRange, response.Header("content-range"));
        Assert.Equal(body.Length.ToString(), response.Header("content-length"));
        Assert.Equal("bytes", response.Header("accept-ranges"));
        Assert.Equal("v", response.Header("x-snme-k"));
        Assert.Equal(body, Wire.Text(response));
    }

    [Theory]
    [InlineData("bytes=100-200")]
    [InlineData("bytes=22-")]
    public async Task Unsatisfiable_ranges_answer_416_with_the_total(string range)
    {
        var path = Unique("range416");
        await _server.SendAsync("PUT", path, "0123456789ABCDEFGHIJKL"u8.ToArray());
        var response = await _server.SendAsync("GET", path, headers: [("Range", range)]);
        Assert.Equal(416, response.Status);
        Assert.Equal("bytes */22", response.Header("content-range"));
        Assert.Equal("bytes", response.Header("accept-ranges"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Any_range_of_an_empty_object_is_unsatisfiable_and_multiple_ranges_are_ignored()
    {
        var empty = Unique("empty");
        await _server.SendAsync("PUT", empty, []);
        var response = await _server.SendAsync("GET", empty, headers: [("Range", "bytes=-5")]);
        Assert.Equal(416, response.Status);
        Assert.Equal("bytes */0", response.Header("content-range"));

        var path = Unique("multi");
        await _server.SendAsync("PUT", path, "0123456789"u8.ToArray());
        var multi = await _server.SendAsync("GET", path, headers: [("Range", "bytes=0-1,3-4")]);
        Assert.Equal(200, multi.Status);
        Assert.Equal("0123456789", Wire.Text(multi));
    }

    [Theory]
    [InlineData("items=0-1")]
    [InlineData("bytes=5-1")]
    [InlineData("bytes=-0")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes= 0-1")]
    [InlineData("bytes=0")]
    public async Task Malformed_ranges_are_400_json(string range)
    {
        var path = Unique("badrange");
        await _server.SendAsync("PUT", path, "0123456789"u8.ToArray());
        var response = await _server.SendAsync("GET", path, headers: [("Range", range)]);
        Assert.Equal(400, response.Status);
        Assert.StartsWith("client error: invalid Range header: ", Wire.Detail(response));
    }

    [Fact]
    public async Task HEAD_is_200_with_the_GET_headers_and_the_object_length_and_404_when_missing()
    {
        var path = Unique("head");
        await _server.SendAsync("PUT", path, "0123456789"u8.ToArray(), [("x-sn-filename", "..")]);
        var head = await _server.SendAsync("HEAD", path, headers: [("Range", "bytes=0-1")]);
        Assert.Equal(200, head.Status);
        Wire.AssertLowercaseNames(head);
        Assert.Equal("application/octet-stream", head.Header("content-type"));
        Assert.Equal("bytes", head.Header("accept-ranges"));
        Assert.Equal("attachment; filename=\"--\"", head.Header("content-disposition"));
        Assert.Equal("10", head.Header("content-length"));
        Assert.Equal("10", head.Header("x-sn-size"));
        Assert.Null(head.Header("content-range"));
        Assert.Empty(head.Body);
        Assert.Equal(404, (await _server.SendAsync("HEAD", Unique("nope"))).Status);
    }

    [Fact]
    public async Task GET_and_HEAD_send_the_whole_stored_size_and_an_attachment_disposition_without_a_filename()
    {
        var path = Unique("size");
        await _server.SendAsync("PUT", path, "0123456789ABCDEFGHIJKL"u8.ToArray(), [("content-encoding", "zstd")]);
        var get = await _server.SendAsync("GET", path);
        Assert.Equal("22", get.Header("x-sn-size"));
        Assert.Equal("attachment", get.Header("content-disposition"));
        var partial = await _server.SendAsync("GET", path, headers: [("Range", "bytes=0-4")]);
        Assert.Equal(206, partial.Status);
        Assert.Equal("22", partial.Header("x-sn-size"));
        Assert.Equal("5", partial.Header("content-length"));
        var head = await _server.SendAsync("HEAD", path);
        Assert.Equal("22", head.Header("x-sn-size"));
        Assert.Equal("22", head.Header("content-length"));
        Assert.Equal("attachment", head.Header("content-disposition"));
    }

    [Fact]
    public async Task DELETE_is_204_for_present_and_missing_objects_and_the_object_is_gone()
    {
        var path = Unique("del");
        Assert.Equal(204, (await _server.SendAsync("DELETE", Unique("never-existed"))).Status);
        await _server.SendAsync("PUT", path, "x"u8.ToArray());
        var delete = await _server.SendAsync("DELETE", path);
        Assert.Equal(204, delete.Status);
        Assert.Empty(delete.Body);
        var get = await _server.SendAsync("GET", path);
        Assert.Equal(404, get.Status);
        Assert.Empty(get.Body);
    }

    [Fact]
    public async Task A_large_object_streams_in_chunked_and_reads_back_whole_and_by_range()
    {
        var payload = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(payload);
        var path = Unique("large");
        Assert.Equal(200, (await _server.SendAsync("PUT", path, payload, chunked: true)).Status);
        var get = await _server.SendAsync("GET", path);
        Assert.Equal(200, get.Status);
        Assert.Equal(payload, get.Body);
        var tail = await _server.SendAsync("GET", path, headers: [("Range", "bytes=3000000-")]);
        Assert.Equal(206, tail.Status);
        Assert.Equal($"bytes 3000000-{payload.Length - 1}/{payload.Length}", tail.Header("content-range"));
        Assert.Equal(payload.AsSpan(3_000_000).ToArray(), tail.Body);
        var beyond = await _server.SendAsync("GET", path, headers: [("Range", $"bytes={payload.Length}-")]);
        Assert.Equal(416, beyond.Status);
        Assert.Equal($"bytes */{payload.Length}", beyond.Header("content-range"));
        var suffix = await _server.SendAsync("GET", path, headers: [("Range", "bytes=-5")]);
        Assert.Equal(payload.AsSpan(payload.Length - 5).ToArray(), suffix.Body);
        var head = await _server.SendAsync("HEAD", path);
        Assert.Equal(200, head.Status);
        Assert.Equal(payload.Length.ToString(), head.Header("content-length"));
        Assert.Equal(payload.Length.ToString(), head.Header("x-sn-size"));
        Assert.Equal(204, (await _server.SendAsync("DELETE", path)).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", path)).Status);
    }

    [Fact]
    public async Task An_object_of_exactly_the_inline_threshold_and_one_byte_more_both_round_trip()
    {
        foreach (var size in new[] { 1024 * 1024, 1024 * 1024 + 1 })
        {
            var payload = new byte[size];
            new Random(size).NextBytes(payload);
            var path = Unique("edge" + size);
            Assert.Equal(200, (await _server.SendAsync("PUT", path, payload)).Status);
            Assert.Equal(payload, (await _server.SendAsync("GET", path)).Body);
        }
    }

    [Theory]
    [InlineData("org")]
    [InlineData("org=")]
    [InlineData("=1")]
    [InlineData("org=1;")]
    [InlineData("org=1%20")]
    [InlineData("o.rg=1")]
    [InlineData("%FF=1")]
    public async Task Malformed_scopes_are_400_plain_text(string scopes)
    {
        var response = await _server.SendAsync("PUT", $"/v1/objects/conformance/{scopes}/key", "x"u8.ToArray());
        Assert.Equal(400, response.Status);
        Assert.StartsWith("text/plain", response.Header("content-type"));
        Assert.StartsWith("Invalid URL: ", Wire.Text(response));
    }

    [Fact]
    public async Task Underscore_scopes_are_empty_and_distinct_from_any_other_scope()
    {
        var key = Guid.NewGuid().ToString("N");
        await _server.SendAsync("PUT", "/v1/objects/conformance/_/" + key, "none"u8.ToArray());
        await _server.SendAsync("PUT", "/v1/objects/conformance/org=1/" + key, "org"u8.ToArray());
        Assert.Equal("none", Wire.Text(await _server.SendAsync("GET", "/v1/objects/conformance/_/" + key)));
        Assert.Equal("org", Wire.Text(await _server.SendAsync("GET", "/v1/objects/conformance/org=1/" + key)));
    }

    [Fact]
    public async Task A_key_that_is_not_UTF8_after_decoding_is_400()
    {
        var response = await _server.SendAsync("GET", "/v1/objects/conformance/_/bad%FFkey");
        Assert.Equal(400, response.Status);
        Assert.StartsWith("Invalid URL: ", Wire.Text(response));
    }

    [Theory]
    [InlineData("content-encoding", "gzip", "service error: metadata error: invalid compression value")]
    [InlineData("content-type", "not a media type", "service error: metadata error: invalid content type")]
    [InlineData("x-sn-expiration", "ttl:", "service error: metadata error: invalid expiration policy value")]
    [InlineData("x-sn-expiration", "ttl:5 fortnights", "service error: metadata error: invalid expiration policy value")]
    [InlineData("x-sn-expiration", "forever", "service error: metadata error: invalid expiration policy value")]
    public async Task Invalid_metadata_is_400_json_and_nothing_is_stored(string name, string value, string detail)
    {
        var path = Unique("badmeta");
        var response = await _server.SendAsync("PUT", path, "x"u8.ToArray(), [(name, value)]);
        Assert.Equal(400, response.Status);
        Assert.Equal(detail, Wire.Detail(response));
        // The unread body makes the connection unusable for another request, so the server closes it.
        Assert.Equal("close", response.Header("connection"));
        Assert.Equal(404, (await _server.SendAsync("GET", path)).Status);
    }

    [Fact]
    public async Task Percent_encoded_metadata_round_trips_and_a_unicode_filename_gets_filename_star()
    {
        var path = Unique("encoded");
        var put = await _server.SendAsync("PUT", path, "x"u8.ToArray(),
            [("x-sn-filename", "r%C3%A9port%20%F0%9F%93%84.pdf"), ("x-sn-origin", "proxy%0Ahop"), ("x-snme-note", "100%25 d%6Fne"), ("x-snme-plain", "a b/c")]);
        Assert.Equal(200, put.Status);

        foreach (var method in new[] { "GET", "HEAD" })
        {
            var response = await _server.SendAsync(method, path);
            // Re-encoded minimally: what was escaped needlessly (%6F, %20) comes back as itself.
            Assert.Equal("r%C3%A9port %F0%9F%93%84.pdf", response.Header("x-sn-filename"));
            Assert.Equal("proxy%0Ahop", response.Header("x-sn-origin"));
            Assert.Equal("100%25 done", response.Header("x-snme-note"));
            Assert.Equal("a b/c", response.Header("x-snme-plain"));
            Assert.Equal("attachment; filename=\"r_port _.pdf\"; filename*=UTF-8''r%C3%A9port%20%F0%9F%93%84.pdf", response.Header("content-disposition"));
        }
    }

    [Fact]
    public async Task Metadata_that_decodes_to_invalid_utf8_is_a_400_and_nothing_is_stored()
    {
        var path = Unique("badutf8");
        var response = await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-snme-name", "caf%C3")]);
        Assert.Equal(400, response.Status);
        Assert.Equal("service error: metadata error: invalid x-snme-name value: not valid percent-encoded UTF-8", Wire.Detail(response));
        Assert.Equal(404, (await _server.SendAsync("GET", path)).Status);
    }

    [Fact]
    public async Task A_literal_percent_from_a_0_2_0_client_reads_back_escaped()
    {
        // Changed upstream (objectstore-types 0.3.1): values are percent-encoded; an invalid escape stays literal on the
        // way in, and the logical '%' is written as %25 on the way out (docs/api.md).
        var path = Unique("percent");
        await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-snme-ratio", "100%")]);
        Assert.Equal("100%25", (await _server.SendAsync("GET", path)).Header("x-snme-ratio"));
    }

    [Fact]
    public async Task A_non_ASCII_metadata_value_is_a_400_and_nothing_is_stored()
    {
        var path = Unique("utf8meta");
        var response = await _server.SendAsync("PUT", path, "x"u8.ToArray(), [("x-snme-name", "café")]);
        Assert.Equal(400, response.Status);
        Assert.Equal(404, (await _server.SendAsync("GET", path)).Status);
    }

    [Theory]
    [InlineData("ab", "Invalid URL: invalid usecase name: must be 3-64 ASCII characters long")]
    [InlineData("attach.ments", "Invalid URL: invalid usecase name: expected ASCII letters, digits, '_' or '-'")]
    public async Task A_usecase_outside_the_naming_rule_is_a_plain_400_and_nothing_is_stored(string usecase, string text)
    {
        var path = $"/v1/objects/{usecase}/org={Guid.NewGuid():N}/k";
        var put = await _server.SendAsync("PUT", path, "x"u8.ToArray());
        Assert.Equal(400, put.Status);
        Assert.Equal(text, Wire.Text(put));
        Assert.Equal(400, (await _server.SendAsync("GET", path)).Status);
        // Names are case-sensitive: another case is another usecase, not a normalised one.
        var upper = $"/v1/objects/Conformance/org={Guid.NewGuid():N}/k";
        Assert.Equal(200, (await _server.SendAsync("PUT", upper, "x"u8.ToArray())).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", upper.Replace("/Conformance/", "/conformance/", StringComparison.Ordinal))).Status);
    }

    [Fact]
    public async Task Unknown_routes_are_404_and_wrong_methods_405_with_allow_both_empty()
    {
        var unknown = await _server.SendAsync("GET", "/v2/objects/conformance/_/k");
        Assert.Equal(404, unknown.Status);
        Assert.Empty(unknown.Body);
        var wrong = await _server.SendAsync("GET", "/v1/objects/conformance/_/");
        Assert.Equal(405, wrong.Status);
        Assert.Equal("POST", wrong.Header("allow"));
        Assert.Empty(wrong.Body);
        Assert.Equal(405, (await _server.SendAsync("POST", "/v1/objects/conformance/_/key")).Status);
        Assert.Equal(404, (await _server.SendAsync("POST", "/v1/objects:batch/conformance/_")).Status);
    }

    [Fact]
    public async Task Dot_segments_and_encoded_slashes_reach_the_key_untouched()
    {
        var prefix = $"/v1/objects/conformance/org={Guid.NewGuid():N}/";
        await _server.SendAsync("PUT", prefix + "a/../b", "dots"u8.ToArray());
        await _server.SendAsync("PUT", prefix + "a%2Fb", "slash"u8.ToArray());
        Assert.Equal("dots", Wire.Text(await _server.SendAsync("GET", prefix + "a/../b")));
        Assert.Equal(404, (await _server.SendAsync("GET", prefix + "b")).Status);
        // %2F decodes to "/": the same key as a literal slash.
        Assert.Equal("slash", Wire.Text(await _server.SendAsync("GET", prefix + "a/b")));
    }
}

/// <summary>Against the embedded default.</summary>
public sealed class ObjectConformanceTests(SharedServerFixture fixture) : ObjectConformance(fixture.Server), IClassFixture<SharedServerFixture>;

/// <summary>Against a 3-server cluster on PostgreSQL and S3, requests spread over all servers.</summary>
public sealed class ClusterObjectConformanceTests(ClusterServerFixture fixture) : ObjectConformance(fixture.Server), IClassFixture<ClusterServerFixture>;
