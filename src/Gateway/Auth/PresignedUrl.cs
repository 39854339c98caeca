using System.Globalization;
using System.Text;

namespace ObjectStore.Gateway.Auth;

/// <summary>
/// Pre-signed URLs (api doc §9.5, GET/HEAD only). The signature covers
/// <c>METHOD\npath\ncanonical query</c> built from the raw request target, so verification must see the
/// path and query exactly as received on the wire.
/// </summary>
internal sealed class PresignedUrl(KeyDirectory keys)
{
    /// <summary>The longest validity a URL may declare (7 days).</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(7);

    /// <summary>Accepted clock skew before the signing time.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    /// <summary>The query parameter whose presence selects the pre-signed path.</summary>
    public const string SignatureParameter = "os_sig";

    /// <summary>
    /// Checks, in the reference order: method (403) → parameters present, timestamp and duration parse (400) → kid
    /// known (401) → validity ≤ 7 days (400) → <c>timestamp − 60 s ≤ now ≤ timestamp + duration</c> (401) →
    /// signature decodes and verifies (401) → the key's ceiling includes <c>object.read</c> (403).
    /// </summary>
    public AuthContext Verify(string method, string rawPath, string rawQuery, DateTimeOffset now)
    {
        if (!IsGetOrHead(method)) throw AuthException.PresignedMethod();

        var kid = RawQuery.Get(rawQuery, "os_kid", out var dupKid);
        var timestampText = RawQuery.Get(rawQuery, "os_timestamp", out var dupTs);
        var durationText = RawQuery.Get(rawQuery, "os_duration", out var dupDur);
        var sigText = RawQuery.Get(rawQuery, SignatureParameter, out var dupSig);
        if (kid is null || timestampText is null || durationText is null || sigText is null || dupKid || dupTs || dupDur || dupSig)
            throw AuthException.PresignedBadParameters();
        if (!TryParseTimestamp(timestampText, out var timestamp)
            || !ulong.TryParse(durationText, NumberStyles.None, CultureInfo.InvariantCulture, out var durationSeconds))
            throw AuthException.PresignedBadParameters();

        if (!keys.TryGet(kid, out var key)) throw AuthException.UnknownKey();
        if (durationSeconds > (ulong)MaxValidity.TotalSeconds) throw AuthException.PresignedTooLong();
        if (now < timestamp - Skew || now > timestamp + TimeSpan.FromSeconds(durationSeconds)) throw AuthException.VerifyFailed();

        // The reference decodes os_sig as part of verification: a signature that is not canonical base64url of
        // 64 bytes (e.g. a flipped last character with non-zero trailing bits) fails like a wrong one, with 401.
        var canonical = Encoding.UTF8.GetBytes(CanonicalString(method, rawPath, rawQuery));
        if (JwtVerifier.DecodeBase64Url(sigText) is not { Length: 64 } signature || !key.Verify(canonical, signature))
            throw AuthException.VerifyFailed();
        if ((key.MaxPermissions & Permissions.Read) == 0) throw AuthException.NotAllowed();
        return AuthContext.PresignedRead;
    }

    /// <summary>
    /// <c>&lt;METHOD&gt;\n&lt;raw path&gt;\n&lt;canonical query&gt;</c>: method upper-cased with HEAD as GET;
    /// query items (empty ones dropped) split at the first <c>=</c>, key lower-cased, value untouched,
    /// <c>os_sig</c> dropped, bare keys kept, sorted ordinally and joined with <c>&amp;</c>.
    /// </summary>
    public static string CanonicalString(string method, string rawPath, string rawQuery)
    {
        var upper = method.ToUpperInvariant();
        if (upper == "HEAD") upper = "GET";
        var items = new List<string>();
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var item = rawQuery[range];
            if (item.Length == 0) continue;
            var eq = item.IndexOf('=');
            var key = (eq < 0 ? item : item[..eq]).ToLowerInvariant();
            if (key == SignatureParameter) continue;
            items.Add(eq < 0 ? key : key + item[eq..]);
        }
        items.Sort(StringComparer.Ordinal);
        return upper + "\n" + rawPath + "\n" + string.Join('&', items);
    }

    /// <summary>
    /// Lenient RFC 3339, UTC only: <c>YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z]</c>, year ≥ 1970, no offsets.
    /// </summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan();
        if (s.Length > 0 && s[^1] is 'Z' or 'z') s = s[..^1];
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or 't' or ' ') || s[13] != ':' || s[16] != ':')
            return false;
        if (!Digits(s[..4], out var year) || !Digits(s[5..7], out var month) || !Digits(s[8..10], out var day)
            || !Digits(s[11..13], out var hour) || !Digits(s[14..16], out var minute) || !Digits(s[17..19], out var second))
            return false;
        long ticks = 0;
        if (s.Length > 19)
        {
            var fraction = s[20..];
            if (s[19] != '.' || fraction.Length == 0 || fraction.ContainsAnyExceptInRange('0', '9')) return false;
            var scale = TimeSpan.TicksPerSecond;
            foreach (var c in fraction)
            {
                scale /= 10;
                ticks += (c - '0') * scale;
            }
        }
        if (year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(ticks);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool IsGetOrHead(string method) =>
        method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase);
}
