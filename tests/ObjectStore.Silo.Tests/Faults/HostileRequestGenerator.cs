using System.Text;
using System.Text.Json;
using ObjectStore.Silo.Tests.Auth;

namespace ObjectStore.Silo.Tests.Faults;

/// <summary>One generated request: its bytes, whether the client drops the connection after sending them, and the
/// key it would create if it were accepted (null when it writes nothing checkable).</summary>
internal sealed record HostileRequest(string Kind, byte[] Bytes, bool Drop, string? WrittenKey);

/// <summary>
/// A seeded, deterministic generator of hostile HTTP/1.1 requests: malformed paths and scopes, header values, ranges,
/// JWTs, pre-signed parameters, batch and multipart bodies, lying lengths, bodies cut off mid-way and chunk sizes
/// that overflow. Writes only ever target keys under <see cref="FuzzScope"/>; reads may target the baseline objects (<c>baselinePaths</c>: <c>scopes/key</c>).
/// </summary>
internal sealed class HostileRequestGenerator(int seed, TestSigner? signer, string kid, string usecase, IReadOnlyList<string> baselinePaths)
{
    /// <summary>The scope every generated write goes to (baseline objects live elsewhere).</summary>
    public const string FuzzScope = "org=fuzz";

    private readonly Random _random = new(seed);
    private int _sequence;

    private static readonly string[] Methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE", "put", "G E T", "CONNECT"];
    private static readonly string[] Usecases = ["", "conformance", "%00", "a%2Fb", "..", "%2e%2e", "x;y", "é", "%ff", new string('u', 300), "use case", "*"];
    private static readonly string[] Scopes = ["org=fuzz", "", "=", "org", "org=", "=1", ";;", "org=1;org=2", "a=b=c", "org=%00", "org=%2F", "_=1",
        new string('s', 2000) + "=1", "org=fuzz;project=%ff", "org=..", "org=fuzz/extra"];
    private static readonly string[] Keys = ["", "..", "../../etc/passwd", "%2e%2e/%2e%2e", "a%", "%zz", "%ff%fe", "%00", "k/", "/k", "k//k", "k%2Fk",
        "é", new string('k', 5000), "k?x", "k#f", "~!$&'()*+,;=:@"];
    private static readonly string[] Expirations = ["ttl:99999999999999999999d", "tti:-1s", "ttl:", "manual", "ttl:1s", "tti:1y", "ttl:18446744073709551615s",
        "ttl:1e9s", "never", "ttl:30 days", "ttl:1m1m1m", "tti:0s", "ttl:\u00001s"];
    private static readonly string[] Ranges = ["bytes=5-2", "bytes=-0", "bytes=99999999999999999999-", "bytes=0-18446744073709551615", "bytes=a-b",
        "bytes=0-1,2-3", "items=0-1", "bytes=-", "bytes=--1", "bytes=0-0", "bytes=-9223372036854775808", "bytes=9223372036854775807-", "bytes= 1-2"];
    private static readonly string[] ChunkSizes = ["ffffffffffffffffffff", "7fffffffffffffff", "-1", "0x10", "zz", "1;ext=\"x", "", "10000000000000000", "80000000"];

    /// <summary>The next request.</summary>
    public HostileRequest Next()
    {
        var n = Interlocked.Increment(ref _sequence);
        return _random.Next(12) switch
        {
            0 or 1 => PathFuzz(),
            2 => HeaderFuzz(n),
            3 => RangeFuzz(),
            4 => TokenFuzz(n),
            5 => PresignedFuzz(),
            6 => BatchFuzz(n),
            7 => MultipartFuzz(n),
            8 => WrongLength(n),
            9 => DropMidBody(n),
            10 => ChunkFuzz(n),
            _ => HeaderFuzz(n),
        };
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private string FreshKey(int n) => $"k{n}-{_random.Next():x}";

    private string Target(string route, string scopes, string key, string query = "") =>
        $"/v1/{route}/{usecase}/{scopes}/{key}{(query.Length > 0 ? "?" + query : "")}";

    /// <summary>Valid auth for the fuzz scope half of the time when auth is on, so requests reach the deeper layers.</summary>
    private IEnumerable<(string, string)> MaybeAuth()
    {
        if (signer is null || _random.Next(2) == 0) yield break;
        yield return ("x-os-auth", "Bearer " + signer.Token(kid, usecase, new Dictionary<string, string> { ["org"] = "*" },
            ["object.read", "object.write", "object.delete"], DateTimeOffset.UtcNow.AddMinutes(10)));
    }

    private static byte[] Build(string method, string target, IEnumerable<(string Name, string Value)> headers, byte[]? body, string? framing = null)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nhost: 127.0.0.1\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (framing is not null) head.Append(framing);
        else if (body is not null) head.Append("content-length: ").Append(body.Length).Append("\r\n");
        head.Append("\r\n");
        var bytes = Encoding.UTF8.GetBytes(head.ToString());
        return body is null ? bytes : [.. bytes, .. body];
    }

    private byte[] Payload(int max) => RandomBytes(_random.Next(max + 1));

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private HostileRequest PathFuzz()
    {
        var route = Pick(["objects", "objects:batch", "objects:multipart", "objects:multipart:parts", "objects:multipart:complete", "objects:nope", "object"]);
        var query = Pick(["", "x=1", "upload_id=", "part_number=0", "os_auth=", "%zz=%zz", "a=1&a=2", new string('q', 3000) + "=1"]);
        var method = Pick(Methods);
        var target = _random.Next(10) == 0
            ? Pick(["*", "/", "//v1/objects", "/v1", "/v1/", "/v1/objects", "http://evil/v1/objects/x/org=1/k", "/v1/objects/%", "/health/..", "/ready?x"])
            : Target(route, Pick(Scopes), Pick(Keys), query);
        // Reads may name anything; writes stay in the fuzz scope's namespace (a mutation of a valid path there is fine).
        if (method is not ("GET" or "HEAD" or "OPTIONS" or "TRACE")) target = target.Replace("/org=1", "/org=fuzz", StringComparison.Ordinal);
        return new HostileRequest("path", Build(method, target, MaybeAuth(), _random.Next(3) == 0 ? Payload(64) : null), false, null);
    }

    private HostileRequest HeaderFuzz(int n)
    {
        var key = FreshKey(n);
        var headers = new List<(string, string)>(MaybeAuth());
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            headers.Add(_random.Next(8) switch
            {
                0 => ("x-sn-expiration", Pick(Expirations)),
                1 => ("content-type", Pick(["", "a", "text/plain; charset=\u00ff", new string('t', 9000), "multipart/form-data; boundary="])),
                2 => ("x-snme-" + Pick(["", "a b", "é", "x", new string('m', 300)]), Pick(["v", "", "\u00e9", new string('v', 20_000)])),
                3 => ("content-encoding", Pick(["zstd", "gzip", "br, zstd", "identity", "x"])),
                4 => ("x-sn-compression", Pick(["zstd", "none", "lz4", ""])),
                5 => ("x-sn-time-created", Pick(["yesterday", "0", "9999-99-99T99:99:99Z", "-1"])),
                6 => ("x-sn-origin", new string('o', _random.Next(1, 5000))),
                _ => ("content-disposition", Pick(["attachment; filename=\"../../x\"", "inline; filename*=UTF-8''%ff", ""])),
            });
        }
        return new HostileRequest("header", Build("PUT", Target("objects", FuzzScope, key), headers, Payload(2048)), false, key);
    }

    private HostileRequest RangeFuzz()
    {
        var headers = new List<(string, string)>(MaybeAuth()) { ("range", Pick(Ranges)) };
        return new HostileRequest("range", Build(Pick(["GET", "HEAD"]), $"/v1/objects/{usecase}/{Pick(baselinePaths)}", headers, null), false, null);
    }

    private HostileRequest TokenFuzz(int n)
    {
        var key = FreshKey(n);
        var token = _random.Next(9) switch
        {
            0 => "not.a.jwt",
            1 => "..",
            2 => Base64(new { alg = "none", kid }) + "." + Base64(new { exp = 1 }) + ".",
            3 => Base64(new { alg = "EdDSA", kid = new string('k', 500) }) + ".e30.AAAA",
            4 => signer?.Jwt(new { alg = "EdDSA", typ = "JWT", kid }, new { res = new Dictionary<string, string> { ["os:usecase"] = usecase, ["org"] = "fuzz" },
                permissions = new[] { "object.read" }, exp = Pick(new object[] { ulong.MaxValue, -1, "soon", 1.5, 0, long.MaxValue }) }) ?? "x",
            5 => signer?.Jwt(new { alg = "EdDSA", typ = "JWT", kid }, new { res = "x", permissions = "all", exp = 9_999_999_999 }) ?? "x",
            6 => signer?.Token(kid, "other", new Dictionary<string, string> { ["org"] = "fuzz" }, ["object.write"], DateTimeOffset.UtcNow.AddMinutes(5)) ?? "x",
            7 => new string('A', 20_000),
            _ => signer?.Token(kid, usecase, new Dictionary<string, string> { ["org"] = "fuzz" }, ["object.read"], DateTimeOffset.UtcNow.AddMinutes(5)) ?? "x",
        };
        var (header, query) = _random.Next(4) switch
        {
            0 => (("x-os-auth", "Bearer " + token), ""),
            1 => (("authorization", Pick(["Bearer ", "bearer ", "Basic ", ""]) + token), ""),
            2 => (("x-os-auth", "Bearer " + token), "os_auth=" + Uri.EscapeDataString(token)),
            _ => (("x-os-auth", "Bearer"), "os_auth=" + token + "&os_auth=" + token),
        };
        var method = Pick(["GET", "PUT", "DELETE", "HEAD"]);
        return new HostileRequest("jwt", Build(method, Target("objects", FuzzScope, key, query), [header], method == "PUT" ? Payload(256) : null), false,
            method == "PUT" ? key : null);
    }

    private HostileRequest PresignedFuzz()
    {
        var parts = new List<string>();
        if (_random.Next(5) > 0) parts.Add("os_kid=" + Pick([kid, "", "unknown", "%00", kid + "&os_kid=" + kid]));
        if (_random.Next(5) > 0) parts.Add("os_timestamp=" + Pick(["9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
            DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss") + "Z", "2026-13-40T25:61:61Z", "now", "2026-01-01T00:00:00.99999999999999999999Z"]));
        if (_random.Next(5) > 0) parts.Add("os_duration=" + Pick(["60", "0", "-1", "18446744073709551615", "18446744073709551616", "604800", "1e3", ""]));
        if (_random.Next(5) > 0) parts.Add("os_sig=" + Pick(["", "AAAA", new string('A', 86), new string('_', 86), "%ff", new string('A', 10_000)]));
        var query = string.Join('&', parts.OrderBy(_ => _random.Next()));
        // Pre-signed URLs grant reads only: a PUT goes to a fresh fuzz key, never over a baseline object.
        var method = Pick(["GET", "HEAD", "PUT"]);
        var path = method == "PUT" ? $"{FuzzScope}/{FreshKey(_sequence)}" : Pick(baselinePaths);
        return new HostileRequest("presigned", Build(method, $"/v1/objects/{usecase}/{path}?{query}", [], null), false, null);
    }

    private HostileRequest BatchFuzz(int n)
    {
        var boundary = "b" + n;
        var body = new StringBuilder();
        for (var i = _random.Next(0, 5); i > 0; i--)
        {
            body.Append("--").Append(_random.Next(6) == 0 ? "wrong" : boundary).Append("\r\n");
            body.Append("x-sn-batch-operation-kind: ").Append(Pick(["insert", "get", "head", "delete", "explode", "", "INSERT"])).Append("\r\n");
            if (_random.Next(3) > 0) body.Append("x-sn-batch-operation-key: ").Append(Pick([FreshKey(n), "%zz", "", "..", new string('k', 3000)])).Append("\r\n");
            if (_random.Next(4) == 0) body.Append("x-sn-expiration: ").Append(Pick(Expirations)).Append("\r\n");
            if (_random.Next(4) == 0) body.Append("content-length: ").Append(Pick(["5", "-1", "99999999999", "x"])).Append("\r\n");
            body.Append("\r\n").Append(Convert.ToBase64String(Payload(200))).Append("\r\n");
        }
        if (_random.Next(3) > 0) body.Append("--").Append(boundary).Append("--\r\n");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        if (_random.Next(4) == 0) bytes = bytes[..(bytes.Length / 2)];
        var contentType = Pick([$"multipart/form-data; boundary=\"{boundary}\"", $"multipart/mixed; boundary={boundary}", "multipart/form-data", "application/json",
            $"multipart/form-data; boundary=\"{new string('b', 200)}\""]);
        var headers = new List<(string, string)>(MaybeAuth()) { ("content-type", contentType) };
        return new HostileRequest("batch", Build("POST", $"/v1/objects:batch/{usecase}/{FuzzScope}/", headers, bytes), false, null);
    }

    private HostileRequest MultipartFuzz(int n)
    {
        var key = FreshKey(n);
        var forged = Base64(new Dictionary<string, object>
        {
            ["revision"] = Pick([key + "/" + Guid.NewGuid(), "../" + key, key + "/../../x", "other/" + Guid.NewGuid(), ""]),
            ["upload_id"] = Pick(["../../etc", "x", "", new string('u', 400)]),
        });
        var uploadId = Pick([forged, "", "zzz", "%00", "e30", new string('A', 5000), forged + "&upload_id=" + forged]);
        var (method, route, query, body, framing) = _random.Next(5) switch
        {
            0 => ("PUT", "objects:multipart:parts", $"upload_id={uploadId}&part_number={Pick(["0", "1", "-1", "4294967296", "99999999999999999999", "x"])}", Payload(512), (string?)null),
            1 => ("POST", "objects:multipart:complete", "upload_id=" + uploadId,
                Encoding.UTF8.GetBytes(Pick(["{", "{\"parts\":[]}", "{\"parts\":[{\"part_number\":4294967296,\"etag\":\"x\"}]}", "[]", "{\"parts\":[{\"part_number\":1,\"etag\":1}]}"])), null),
            2 => ("GET", "objects:multipart", $"upload_id={uploadId}&max_parts={Pick(["-1", "0", "99999999999", "x"])}", null, null),
            3 => ("DELETE", "objects:multipart", "upload_id=" + uploadId, null, null),
            _ => ("PUT", "objects:multipart", Pick(["", "upload_id=x"]), null, null),
        };
        var headers = new List<(string, string)>(MaybeAuth());
        if (route == "objects:multipart:complete") headers.Add(("content-type", "application/json"));
        return new HostileRequest("multipart", Build(method, Target(route, FuzzScope, key, query), headers, body, framing), false, null);
    }

    private HostileRequest WrongLength(int n)
    {
        var key = FreshKey(n);
        var body = Payload(4096);
        var (framing, drop) = _random.Next(6) switch
        {
            0 => ($"content-length: {body.Length + 1 + _random.Next(100_000)}\r\n", true), // promises more than it sends
            1 => ("content-length: -1\r\n", false),
            2 => ($"content-length: {body.Length}\r\ncontent-length: {body.Length + 1}\r\n", false),
            3 => ($"content-length: {body.Length}\r\ntransfer-encoding: chunked\r\n", false),
            4 => ("content-length: 99999999999999999999999\r\n", false),
            _ => ("content-length: 1x\r\n", false),
        };
        return new HostileRequest("length", Build("PUT", Target("objects", FuzzScope, key), MaybeAuth(), body, framing), drop, key);
    }

    private HostileRequest DropMidBody(int n)
    {
        var key = FreshKey(n);
        var large = _random.Next(4) == 0;
        var declared = large ? 1_048_576 + 1 + _random.Next(1_048_576) : 1 + _random.Next(64_000);
        var sent = RandomBytes(_random.Next(declared));
        var chunked = _random.Next(2) == 0;
        byte[] bytes;
        if (chunked)
        {
            var framed = new List<byte>(Encoding.ASCII.GetBytes($"{declared:x}\r\n"));
            framed.AddRange(sent);
            bytes = Build("PUT", Target("objects", FuzzScope, key), MaybeAuth(), [.. framed], "transfer-encoding: chunked\r\n");
        }
        else
        {
            bytes = Build("PUT", Target("objects", FuzzScope, key), MaybeAuth(), sent, $"content-length: {declared}\r\n");
        }
        return new HostileRequest("drop", bytes, true, key);
    }

    private HostileRequest ChunkFuzz(int n)
    {
        var key = FreshKey(n);
        var body = new StringBuilder();
        if (_random.Next(2) == 0) body.Append("3\r\nabc\r\n");
        body.Append(Pick(ChunkSizes)).Append("\r\n").Append("abcdef").Append(Pick(["\r\n", "", "xx"]));
        if (_random.Next(2) == 0) body.Append("0\r\n\r\n");
        var route = Pick(["objects", "objects:batch", "objects:multipart:parts"]);
        var target = route == "objects:batch" ? $"/v1/objects:batch/{usecase}/{FuzzScope}/" : Target(route, FuzzScope, key, route == "objects" ? "" : "upload_id=e30&part_number=1");
        var method = route == "objects:batch" ? "POST" : "PUT";
        return new HostileRequest("chunk", Build(method, target, MaybeAuth(), Encoding.ASCII.GetBytes(body.ToString()), "transfer-encoding: chunked\r\n"), false,
            route == "objects" ? key : null);
    }

    private static string Base64(object value) => TestSigner.B64(JsonSerializer.SerializeToUtf8Bytes(value));
}
