using Microsoft.AspNetCore.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// The <c>Range</c> request header and the 206/416 response headers (api doc §6): single
/// <c>bytes=</c> ranges only, multiple ranges ignored (full answer), everything malformed a 400.
/// </summary>
internal static class RangeHeader
{
    /// <summary>
    /// Parses a <c>Range</c> value (null or empty = none). True with <paramref name="range"/> null when
    /// the header is absent or lists several ranges; false with the 400 error when invalid.
    /// </summary>
    public static bool TryParse(string? value, out ByteRange? range, out ApiError? error)
    {
        range = null;
        error = null;
        if (string.IsNullOrEmpty(value)) return true;
        foreach (var c in value)
            if (c > 0x7F) return Fail("non-ASCII value", out error);
        var text = value.ToLowerInvariant().AsSpan();
        var eq = text.IndexOf('=');
        var unit = eq < 0 ? text : text[..eq];
        if (eq < 0 || !unit.SequenceEqual("bytes")) return Fail($"invalid range unit: {unit}, expected: bytes", out error);
        var spec = text[(eq + 1)..];
        if (spec.Contains(',')) return true;
        var dash = spec.IndexOf('-');
        if (dash < 0) return Fail("missing '-' in range", out error);
        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.IsEmpty)
        {
            if (!TryParseNumber(last, out var suffix)) return Fail("invalid suffix length", out error);
            if (suffix == 0) return Fail("suffix length must be greater than zero", out error);
            range = ByteRange.Suffix(Clamp(suffix));
            return true;
        }
        if (!TryParseNumber(first, out var start)) return Fail("invalid range start", out error);
        if (last.IsEmpty)
        {
            range = ByteRange.From(Clamp(start));
            return true;
        }
        if (!TryParseNumber(last, out var end)) return Fail("invalid range end", out error);
        if (start > end) return Fail("range start is greater than range end", out error);
        range = ByteRange.Bounded(Clamp(start), Clamp(end));
        return true;
    }

    /// <summary>Headers of a satisfiable range: 206, <c>content-range</c>, <c>content-length</c>, <c>accept-ranges</c>.</summary>
    public static void WritePartial(HttpResponse response, ContentRange range)
    {
        response.StatusCode = StatusCodes.Status206PartialContent;
        response.Headers["content-range"] = range.ToString();
        response.ContentLength = range.Length;
        response.Headers["accept-ranges"] = "bytes";
    }

    /// <summary>Headers of an unsatisfiable range: 416, <c>content-range: bytes */T</c>, <c>accept-ranges</c>, empty body.</summary>
    public static void WriteUnsatisfiable(HttpResponse response, long total)
    {
        response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
        response.Headers["content-range"] = "bytes */" + total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["accept-ranges"] = "bytes";
        response.ContentLength = 0;
    }

    private static bool TryParseNumber(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty) return false;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c)) return false;
            var digit = (ulong)(c - '0');
            if (value > (ulong.MaxValue - digit) / 10) return false;
            value = value * 10 + digit;
        }
        return true;
    }

    // Offsets beyond long.MaxValue cannot address a stored object; clamping keeps them unsatisfiable/whole.
    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static bool Fail(string reason, out ApiError? error)
    {
        error = ApiError.Json(400, "client error: invalid Range header: " + reason);
        return false;
    }
}
