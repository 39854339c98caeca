using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class ApiRouterTests
{
    private static ObjectPath Decode(RouteMatch match)
    {
        Assert.True(match.IsMatch, $"status {match.Status}");
        Assert.True(match.TryDecodePath(out var path, out var error), error);
        return path;
    }

    // The keys the Python e2e suite round-trips (§2.2), as its client percent-encodes them on the wire.
    public static TheoryData<string, string> E2eKeys => new()
    {
        { "plain-key", "plain-key" },
        { "with%20space", "with space" },
        { "caf%C3%A9-unicode", "café-unicode" },
        { "emoji-%F0%9F%98%80", "emoji-😀" },
        { "plus+sign", "plus+sign" },
        { "sub!$'()*+,=delims", "sub!$'()*+,=delims" },
        { "tilde~dot.key", "tilde~dot.key" },
        { "100%25literal-percent", "100%literal-percent" },
        { "looks%2520encoded", "looks%20encoded" },
        { "nested/path/segments", "nested/path/segments" },
        { "quote'apostrophe", "quote'apostrophe" },
        { "at@sign", "at@sign" },
        { "colon:separated", "colon:separated" },
        { "ampersand&inside", "ampersand&inside" },
        { "semi;colon", "semi;colon" },
        { "equals=sign", "equals=sign" },
        { "1/shard-0.json", "1/shard-0.json" },
        { "test-key123!!", "test-key123!!" },
        { "nested%2Fencoded%2fslash", "nested/encoded/slash" },
        { "caf\u00e9-raw-utf8", "café-raw-utf8" },
        { "dots/../and/./segments", "dots/../and/./segments" },
    };

    [Theory]
    [MemberData(nameof(E2eKeys))]
    public void Every_e2e_key_decodes_from_the_raw_target(string wire, string key)
    {
        var path = Decode(ApiRouter.Match("GET", $"/v1/objects/attachments/org=42;project=1337/{wire}"));

        Assert.Equal(key, path.Key);
        Assert.Equal("attachments", path.Usecase);
        Assert.Equal(Scopes.Parse("org=42;project=1337"), path.Scopes);
    }

    [Fact]
    public void Percent_encoded_usecase_and_scopes_are_decoded()
    {
        var path = Decode(ApiRouter.Match("PUT", "/v1/objects/test%2Dusecase/org%3D1%3Bproject%3D2/k"));

        Assert.Equal("test-usecase", path.Usecase);
        Assert.Equal("org=1;project=2", path.Scopes.ToString());
    }

    [Fact]
    public void Underscore_scopes_are_the_empty_list()
    {
        Assert.Equal(Scopes.Empty, Decode(ApiRouter.Match("GET", "/v1/objects/use/_/k")).Scopes);
    }

    [Theory]
    [InlineData("/v1/objects/use/org/k")]
    [InlineData("/v1/objects/use/org=/k")]
    [InlineData("/v1/objects/use/=1/k")]
    [InlineData("/v1/objects/use/org=1;/k")]
    [InlineData("/v1/objects/use/org=a%20b/k")]
    [InlineData("/v1/objects/use/org=%C3%A9/k")]
    [InlineData("/v1/objects/use/_/bad%FF%FEutf8")]
    [InlineData("/v1/objects/%C3%28/_/k")]
    public void Bad_scopes_or_undecodable_pieces_are_a_plain_400(string target)
    {
        var match = ApiRouter.Match("GET", target);

        Assert.True(match.IsMatch);
        Assert.False(match.TryDecodePath(out _, out var error));
        Assert.StartsWith("Invalid URL: ", error);
    }

    [Theory]
    [InlineData("ab", "invalid usecase name: must be 3-64 ASCII characters long")]
    [InlineData("a123456789b123456789c123456789d123456789e123456789f123456789g1234", "invalid usecase name: must be 3-64 ASCII characters long")]
    [InlineData("attach.ments", "invalid usecase name: expected ASCII letters, digits, '_' or '-'")]
    [InlineData("caf%C3%A9", "invalid usecase name: expected ASCII letters, digits, '_' or '-'")]
    [InlineData("a%20b", "invalid usecase name: expected ASCII letters, digits, '_' or '-'")]
    public void A_usecase_outside_the_naming_rule_is_a_plain_400_with_upstreams_message(string usecase, string message)
    {
        var match = ApiRouter.Match("PUT", $"/v1/objects/{usecase}/_/k");

        Assert.True(match.IsMatch);
        Assert.False(match.TryDecodePath(out _, out var error));
        Assert.Equal("Invalid URL: " + message, error);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("___")]
    [InlineData("Debug-Files_2")]
    [InlineData("a123456789b123456789c123456789d123456789e123456789f123456789g123")]
    public void Usecases_of_3_to_64_name_characters_decode_unchanged(string usecase)
    {
        Assert.Equal(usecase, Decode(ApiRouter.Match("GET", $"/v1/objects/{usecase}/_/k")).Usecase);
    }

    [Theory]
    [InlineData("POST", "/v1/objects/use/s", nameof(ApiRoute.ObjectCollection))]
    [InlineData("POST", "/v1/objects/use/s/", nameof(ApiRoute.ObjectCollection))]
    [InlineData("GET", "/v1/objects/use/s/k", nameof(ApiRoute.Object))]
    [InlineData("HEAD", "/v1/objects/use/s/k", nameof(ApiRoute.Object))]
    [InlineData("PUT", "/v1/objects/use/s/k", nameof(ApiRoute.Object))]
    [InlineData("DELETE", "/v1/objects/use/s/k", nameof(ApiRoute.Object))]
    [InlineData("PATCH", "/v1/objects/use/s/k", nameof(ApiRoute.Object))]
    [InlineData("POST", "/v1/objects:batch/use/s/", nameof(ApiRoute.Batch))]
    [InlineData("POST", "/v1/objects:multipart/use/s", nameof(ApiRoute.MultipartCollection))]
    [InlineData("POST", "/v1/objects:multipart/use/s/", nameof(ApiRoute.MultipartCollection))]
    [InlineData("PUT", "/v1/objects:multipart/use/s/k", nameof(ApiRoute.Multipart))]
    [InlineData("DELETE", "/v1/objects:multipart/use/s/k?upload_id=x", nameof(ApiRoute.Multipart))]
    [InlineData("PUT", "/v1/objects:multipart:parts/use/s/k?upload_id=x&part_number=1", nameof(ApiRoute.MultipartParts))]
    [InlineData("GET", "/v1/objects:multipart:parts/use/s/k?upload_id=x", nameof(ApiRoute.MultipartParts))]
    [InlineData("POST", "/v1/objects:multipart:complete/use/s/k?upload_id=x", nameof(ApiRoute.MultipartComplete))]
    [InlineData("GET", "/health", nameof(ApiRoute.Health))]
    [InlineData("GET", "/ready", nameof(ApiRoute.Ready))]
    [InlineData("GET", "/keda", nameof(ApiRoute.Keda))]
    [InlineData("GET", "http://example.com:8888/v1/objects/use/s/k", nameof(ApiRoute.Object))]
    public void Routes_match_the_contract_table(string method, string target, string route)
    {
        var match = ApiRouter.Match(method, target);

        Assert.Equal(200, match.Status);
        Assert.Equal(Enum.Parse<ApiRoute>(route), match.Route);
    }

    [Theory]
    [InlineData("/v1/objects:batch/use/s")]
    [InlineData("/v1/objects:batch/use/s/k")]
    [InlineData("/v1/objects%3Abatch/u/s/")]
    [InlineData("/v1/objects//s/k")]
    [InlineData("/v1/objects/use//k")]
    [InlineData("/v1/objects/u")]
    [InlineData("/v1/objects/use/")]
    [InlineData("/v1/objects:multipart:parts/use/s/")]
    [InlineData("/v1/objects:multipart:complete/use/s")]
    [InlineData("/v1/other/u/s/k")]
    [InlineData("/v2/objects/u/s/k")]
    [InlineData("/objects/u/s/k")]
    [InlineData("/healthz")]
    [InlineData("*")]
    public void Unknown_routes_are_404(string target)
    {
        var match = ApiRouter.Match("POST", target);

        Assert.Equal(404, match.Status);
        Assert.Equal(ApiRoute.None, match.Route);
    }

    [Theory]
    [InlineData("GET", "/v1/objects/use/s/", "POST")]
    [InlineData("PUT", "/v1/objects/use/s/", "POST")]
    [InlineData("DELETE", "/v1/objects/use/s", "POST")]
    [InlineData("HEAD", "/v1/objects/use/s/", "POST")]
    [InlineData("POST", "/v1/objects/use/s/k", "GET,HEAD,PUT,PATCH,DELETE")]
    [InlineData("GET", "/v1/objects:batch/use/s/", "POST")]
    [InlineData("POST", "/health", "GET,HEAD")]
    [InlineData("GET", "/v1/objects:multipart/use/s/k", "PUT,DELETE")]
    public void Known_routes_with_other_methods_are_405_with_allow(string method, string target, string allow)
    {
        var match = ApiRouter.Match(method, target);

        Assert.Equal(405, match.Status);
        Assert.Equal(allow, match.Allow);
    }

    [Fact]
    public void The_trailing_slash_collection_has_no_key_and_the_query_is_split_off()
    {
        var match = ApiRouter.Match("POST", "/v1/objects/use/_/?x=1&y=%20");

        Assert.Null(Decode(match).Key);
        Assert.Equal("x=1&y=%20", match.RawQuery);
        Assert.Equal("/v1/objects/use/_/", match.RawPath);
    }

    [Fact]
    public void A_key_keeps_a_question_mark_only_when_encoded()
    {
        var match = ApiRouter.Match("GET", "/v1/objects/use/_/what%3F?is=this");

        Assert.Equal("what?", Decode(match).Key);
        Assert.Equal("is=this", match.RawQuery);
    }
}

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("key-1", "key%2D1")]
    [InlineData("test/0", "test%2F0")]
    [InlineData("abcXYZ019", "abcXYZ019")]
    [InlineData("with space+plus", "with%20space%2Bplus")]
    [InlineData("café", "caf%C3%A9")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void Keys_encode_everything_but_alphanumerics_in_uppercase_hex(string key, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.EncodeNonAlphanumeric(key));
        Assert.True(PercentEncoding.TryDecode(encoded, out var decoded));
        Assert.Equal(key, decoded);
    }

    [Theory]
    [InlineData("100%", "100%")]
    [InlineData("%zz", "%zz")]
    [InlineData("%4", "%4")]
    [InlineData("a+b", "a+b")]
    [InlineData("%2b", "+")]
    public void Invalid_escapes_stay_literal_and_plus_stays_plus(string text, string expected)
    {
        Assert.True(PercentEncoding.TryDecode(text, out var decoded));
        Assert.Equal(expected, decoded);
    }

    [Theory]
    [InlineData("%FF")]
    [InlineData("%C3")]
    [InlineData("%ED%A0%80")]
    public void Invalid_utf8_is_rejected(string text)
    {
        Assert.False(PercentEncoding.TryDecode(text, out _));
    }

    [Fact]
    public void Long_keys_round_trip_through_pooled_buffers()
    {
        var key = string.Concat(Enumerable.Repeat("ü/ %", 2000));
        Assert.True(PercentEncoding.TryDecode(PercentEncoding.EncodeNonAlphanumeric(key), out var decoded));
        Assert.Equal(key, decoded);
    }

    [Fact]
    public void Form_decoding_turns_plus_into_space()
    {
        Assert.Equal("a b c", PercentEncoding.DecodeForm("a+b%20c"));
    }
}

public sealed class MultipartQueryTests
{
    [Fact]
    public void Part_upload_needs_upload_id_and_a_positive_part_number()
    {
        Assert.True(MultipartQuery.TryParsePart("upload_id=abc&part_number=4294967295", out var q, out _));
        Assert.Equal("abc", q.UploadId);
        Assert.Equal(4294967295u, q.PartNumber);

        Assert.False(MultipartQuery.TryParsePart("upload_id=abc&part_number=0", out _, out _));
        Assert.False(MultipartQuery.TryParsePart("upload_id=abc&part_number=4294967296", out _, out _));
        Assert.False(MultipartQuery.TryParsePart("upload_id=abc&part_number=x", out _, out _));
        Assert.False(MultipartQuery.TryParsePart("upload_id=abc", out _, out var error));
        Assert.Contains("part_number", error);
        Assert.False(MultipartQuery.TryParsePart("part_number=1", out _, out error));
        Assert.Contains("upload_id", error);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("/abs", false)]
    [InlineData("..", false)]
    [InlineData("a/../b", false)]
    [InlineData("./a", false)]
    [InlineData("0198c1f2-7b4e-7c3a-9d2e-3f4a5b6c7d8e", true)]
    [InlineData("eyJyZXZpc2lvbiI6ImsvMDE5OCJ9", true)]
    [InlineData("a/b", true)]
    public void Upload_ids_must_be_relative_paths_of_normal_components(string id, bool valid)
    {
        Assert.Equal(valid, MultipartQuery.IsValidUploadId(id));
    }

    [Fact]
    public void Listing_parameters_are_optional_snake_case_numbers()
    {
        Assert.True(MultipartQuery.TryParseList("upload_id=u%2Bv&max_parts=2&part_number_marker=5", out var q, out _));
        Assert.Equal("u+v", q.UploadId);
        Assert.Equal(2u, q.MaxParts);
        Assert.Equal(5u, q.PartNumberMarker);
        Assert.True(MultipartQuery.TryParseList("upload_id=u", out q, out _));
        Assert.Null(q.MaxParts);
        Assert.False(MultipartQuery.TryParseList("upload_id=u&max_parts=-1", out _, out _));
        Assert.False(MultipartQuery.TryParseList("upload_id=u&uploadId=v&upload_id=w", out _, out _));
    }
}
