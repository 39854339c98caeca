using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class MetadataHeadersTests
{
    // Like Kestrel: repeated names collect into one multi-value entry (empty values included).
    private static HeaderDictionary Headers((string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var group in headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
            dictionary[group.Key] = new StringValues(group.Select(h => h.Value).ToArray());
        return dictionary;
    }

    private static ObjectMetadata Read(params (string Name, string Value)[] headers)
    {
        var dictionary = Headers(headers);
        Assert.True(MetadataHeaders.TryRead(dictionary, out var metadata, out var error), error?.Detail);
        return metadata;
    }

    private static ApiError Reject(params (string Name, string Value)[] headers)
    {
        var dictionary = Headers(headers);
        Assert.False(MetadataHeaders.TryRead(dictionary, out _, out var error));
        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorBodyKind.Json, error.Body);
        return error;
    }

    [Fact]
    public void No_headers_give_the_defaults()
    {
        var metadata = Read();

        Assert.Equal("application/octet-stream", metadata.ContentType);
        Assert.Null(metadata.Compression);
        Assert.Equal(ExpirationPolicy.Manual, metadata.Expiration);
        Assert.Empty(metadata.Custom);
        Assert.Null(metadata.TimeCreated);
    }

    [Fact]
    public void Every_field_is_read_with_case_insensitive_names()
    {
        var metadata = Read(
            ("Content-Type", "text/plain; charset=utf-8"),
            ("CONTENT-ENCODING", "zstd"),
            ("X-Sn-Expiration", "manual"),
            ("x-SN-origin", "203.0.113.42"),
            ("X-Sn-Filename", "report final.pdf"),
            ("X-SNME-Build_ID", "abc\tdef"),
            ("x-snme-", "empty name"),
            ("x-unrelated", "ignored"));

        Assert.Equal("text/plain; charset=utf-8", metadata.ContentType);
        Assert.Equal("zstd", metadata.Compression);
        Assert.Equal("203.0.113.42", metadata.Origin);
        Assert.Equal("report final.pdf", metadata.Filename);
        Assert.Equal("abc\tdef", metadata.Custom["build_id"]);
        Assert.Equal("empty name", metadata.Custom[""]);
        Assert.Equal(2, metadata.Custom.Count);
    }

    [Fact]
    public void Duplicate_custom_names_keep_the_last_value()
    {
        var metadata = Read(("x-snme-k", "first"), ("X-Snme-K", "second"));

        Assert.Equal("second", Assert.Single(metadata.Custom).Value);
    }

    [Fact]
    public void Client_timestamps_are_ignored_even_when_malformed()
    {
        var metadata = Read(("x-sn-time-created", "not a time"), ("x-sn-time-expires", "ünïcode"));

        Assert.Null(metadata.TimeCreated);
        Assert.Null(metadata.TimeExpires);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("ZSTD")]
    [InlineData("zstd ")]
    [InlineData("")]
    public void Content_encoding_other_than_exactly_zstd_is_rejected(string value)
    {
        Assert.Equal("service error: metadata error: invalid compression value", Reject(("content-encoding", value)).Detail);
    }

    [Theory]
    [InlineData("not a valid media type!")]
    [InlineData("text")]
    [InlineData("text/")]
    [InlineData("/plain")]
    [InlineData("*/*")]
    [InlineData("text/plain;")]
    [InlineData("text/plain; charset")]
    [InlineData("text/plain; charset=")]
    [InlineData("")]
    public void Invalid_media_types_are_rejected(string value)
    {
        Assert.Equal("service error: metadata error: invalid content type", Reject(("content-type", value)).Detail);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("image/svg+xml")]
    [InlineData("application/vnd.api+json; charset=utf-8")]
    [InlineData("text/plain;charset=\"utf-8\";format=flowed")]
    [InlineData("multipart/form-data; boundary=\"a b\"")]
    public void Valid_media_types_are_kept_verbatim(string value)
    {
        Assert.Equal(value, Read(("content-type", value)).ContentType);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("Manual")]
    [InlineData("ttl")]
    [InlineData("forever:1s")]
    public void Unparsable_expiration_is_rejected(string value)
    {
        Assert.Equal("service error: metadata error: invalid expiration policy value", Reject(("x-sn-expiration", value)).Detail);
    }

    [Theory]
    [InlineData("x-sn-origin")]
    [InlineData("x-sn-filename")]
    [InlineData("x-snme-note")]
    [InlineData("content-type")]
    [InlineData("x-sn-expiration")]
    public void Non_ascii_or_control_values_in_metadata_headers_are_rejected(string name)
    {
        Assert.Equal("service error: metadata error: error dealing with http headers", Reject((name, "caf\u00e9")).Detail);
        Reject((name, "line\u0001break"));
    }

    [Theory]
    [InlineData("x-sn-origin")]
    [InlineData("x-sn-filename")]
    [InlineData("x-snme-note")]
    public void Free_form_values_are_percent_decoded_and_invalid_utf8_is_rejected(string name)
    {
        static string? Value(ObjectMetadata m, string name) => name switch
        {
            "x-sn-origin" => m.Origin,
            "x-sn-filename" => m.Filename,
            _ => m.Custom["note"],
        };
        Assert.Equal("r\u00e9port-\U0001F4C4.pdf", Value(Read((name, "r%C3%A9port-%F0%9F%93%84.pdf")), name));
        Assert.Equal("100% done", Value(Read((name, "100%25 done")), name));
        Assert.Equal("key-1", Value(Read((name, "%6B%65%79%2D%31")), name));
        Assert.Equal("a\r\nb", Value(Read((name, "a%0D%0Ab")), name));
        // An escape that is not one stays literal, as upstream's percent_decode_str leaves it.
        Assert.Equal("100% and %zz", Value(Read((name, "100% and %zz")), name));
        Assert.Equal($"service error: metadata error: invalid {name} value: not valid percent-encoded UTF-8", Reject((name, "%FF.pdf")).Detail);
    }

    [Fact]
    public void Free_form_values_are_escaped_minimally_on_the_way_out()
    {
        var sink = new ListSink();
        MetadataHeaders.Write(new ObjectMetadata
        {
            Origin = "100% done",
            Filename = "r\u00e9port.pdf",
            Custom = new Dictionary<string, string> { ["plain"] = "has\"quote path/to.txt!$&'()*+,;=:@?<>[]{}|^`~#", ["ctl"] = "a\r\nb\tc\u007f" },
        }, ref sink, singleObject: false);
        Assert.Contains(("x-sn-origin", "100%25 done"), sink.Lines);
        Assert.Contains(("x-sn-filename", "r%C3%A9port.pdf"), sink.Lines);
        Assert.Contains(("x-snme-plain", "has\"quote path/to.txt!$&'()*+,;=:@?<>[]{}|^`~#"), sink.Lines);
        Assert.Contains(("x-snme-ctl", "a%0D%0Ab%09c%7F"), sink.Lines);
    }

    [Fact]
    public void Non_ascii_values_in_unrelated_headers_do_not_matter()
    {
        Assert.Equal("application/octet-stream", Read(("x-other", "caf\u00e9")).ContentType);
    }

    private struct ListSink : IHeaderSink
    {
        public List<(string, string)> Lines;

        public void Add(string name, string value) => (Lines ??= []).Add((name, value));
    }

    private static readonly ObjectMetadata Full = new()
    {
        ContentType = "text/html",
        Compression = "zstd",
        TimeCreated = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        Origin = "10.0.0.1",
        Filename = "report.pdf",
        Custom = new Dictionary<string, string> { ["zeta"] = "z", ["foo"] = "bar" },
        Size = 42,
    };

    [Fact]
    public void Response_headers_are_the_exact_lowercase_set()
    {
        var sink = new ListSink();
        MetadataHeaders.Write(Full, ref sink, singleObject: true);

        Assert.Equal(
            [
                ("content-type", "text/html"),
                ("content-encoding", "zstd"),
                ("x-sn-time-created", "2023-11-14T22:13:20.000000Z"),
                ("x-sn-origin", "10.0.0.1"),
                ("x-sn-filename", "report.pdf"),
                ("x-snme-foo", "bar"),
                ("x-snme-zeta", "z"),
                ("x-sn-size", "42"),
                ("content-disposition", "attachment; filename=\"report.pdf\""),
                ("accept-ranges", "bytes"),
            ],
            sink.Lines);
    }

    [Fact]
    public void Batch_parts_get_metadata_without_disposition_or_accept_ranges()
    {
        var sink = new ListSink();
        MetadataHeaders.Write(new ObjectMetadata { TimeCreated = DateTimeOffset.UnixEpoch }, ref sink, singleObject: false);

        Assert.Equal([("content-type", "application/octet-stream"), ("x-sn-time-created", "1970-01-01T00:00:00.000000Z")], sink.Lines);
    }

    [Fact]
    public void Writing_to_a_response_uses_lowercase_names()
    {
        var headers = new HeaderDictionary();
        MetadataHeaders.Write(Full, headers);

        Assert.Equal("text/html", headers["content-type"]);
        Assert.Equal("bytes", headers["accept-ranges"]);
        Assert.Equal("bar", headers["x-snme-foo"]);
        Assert.False(headers.ContainsKey("x-sn-expiration"));
        Assert.False(headers.ContainsKey("x-sn-time-expires"));
    }

    [Theory]
    [InlineData("report.pdf", "attachment; filename=\"report.pdf\"")]
    [InlineData("dir/sub\\file.txt", "attachment; filename=\"dir-sub-file.txt\"")]
    [InlineData(".", "attachment; filename=\"-\"")]
    [InlineData("..", "attachment; filename=\"--\"")]
    [InlineData("...a", "attachment; filename=\"...a\"")]
    [InlineData("say \"hi\".txt", "attachment; filename=\"say \\\"hi\\\".txt\"")]
    public void Content_disposition_sanitises_the_filename(string filename, string expected)
    {
        Assert.Equal(expected, MetadataHeaders.ContentDisposition(filename));
    }

    [Fact]
    public void Content_disposition_replaces_non_ASCII_and_control_characters_and_is_attachment_without_a_filename()
    {
        // Non-ASCII names add the RFC 8187 filename* (objectstore server post-0.2.0 format_content_disposition).
        Assert.Equal("attachment; filename=\"caf_\"; filename*=UTF-8''caf%C3%A9", MetadataHeaders.ContentDisposition("caf\u00e9"));
        Assert.Equal("attachment; filename=\"emoji-_\"; filename*=UTF-8''emoji-%F0%9F%98%80", MetadataHeaders.ContentDisposition("emoji-\U0001F600"));
        Assert.Equal("attachment; filename=\"r_port _.pdf\"; filename*=UTF-8''r%C3%A9port%20%F0%9F%93%84.pdf", MetadataHeaders.ContentDisposition("r\u00e9port \U0001F4C4.pdf"));
        Assert.Equal("attachment; filename=\"a\\\"b;_\"; filename*=UTF-8''a%22b%3B%C3%A9", MetadataHeaders.ContentDisposition("a\"b;\u00e9"));
        var sink = new ListSink();
        MetadataHeaders.Write(new ObjectMetadata { Filename = "bad\u0001name\tx" }, ref sink, singleObject: true);
        // Control characters are ASCII: no filename*, and the stored name travels percent-encoded.
        Assert.Contains(("content-disposition", "attachment; filename=\"bad_name_x\""), sink.Lines);
        Assert.Contains(("x-sn-filename", "bad%01name%09x"), sink.Lines);
        var none = new ListSink();
        MetadataHeaders.Write(new ObjectMetadata { Size = 7 }, ref none, singleObject: true);
        Assert.Equal(
            [("content-type", "application/octet-stream"), ("x-sn-size", "7"), ("content-disposition", "attachment"), ("accept-ranges", "bytes")],
            none.Lines);
    }
}

/// <summary>Needs HumanDuration (implemented on another branch): TTL/TTI policies through the headers.</summary>
public sealed class MetadataExpirationHeadersTests
{
    [Theory]
    [InlineData("ttl:30s", ExpirationKind.TimeToLive, 30)]
    [InlineData("tti:1h", ExpirationKind.TimeToIdle, 3600)]
    [InlineData("ttl:1 days 30 seconds", ExpirationKind.TimeToLive, 86430)]
    [InlineData("ttl:0s", ExpirationKind.TimeToLive, 0)]
    public void Ttl_and_tti_headers_parse_with_humantime(string value, ExpirationKind kind, int seconds)
    {
        var headers = new HeaderDictionary { ["x-sn-expiration"] = value };

        Assert.True(MetadataHeaders.TryRead(headers, out var metadata, out _));
        Assert.Equal(new ExpirationPolicy(kind, TimeSpan.FromSeconds(seconds)), metadata.Expiration);
    }

    [Theory]
    [InlineData("ttl:")]
    [InlineData("ttl:5 parsecs")]
    [InlineData("tti:s")]
    public void Bad_durations_are_rejected(string value)
    {
        var headers = new HeaderDictionary { ["x-sn-expiration"] = value };

        Assert.False(MetadataHeaders.TryRead(headers, out _, out var error));
        Assert.Equal("service error: metadata error: invalid expiration policy value", error!.Detail);
    }

    [Fact]
    public void Expiring_objects_echo_policy_in_the_days_hours_minutes_seconds_form_and_the_deadline()
    {
        var metadata = new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)) }.StampedAt(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var headers = new HeaderDictionary();
        MetadataHeaders.Write(metadata, headers);

        Assert.Equal("ttl:1d", headers["x-sn-expiration"]);
        Assert.Equal("2023-11-15T22:13:20.000000Z", headers["x-sn-time-expires"]);
    }
}
