namespace ObjectStore.Storage.Objects;

/// <summary>Timestamps on the wire: UTC RFC 3339 with exactly six fractional digits and <c>Z</c>.</summary>
public static class ObjectTimestamp
{
    /// <summary>Formats as <c>2023-11-14T22:13:20.000000Z</c>.</summary>
    public static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><paramref name="t"/> + <paramref name="d"/>, or the largest timestamp when that overflows.</summary>
    public static DateTimeOffset SaturatingAdd(DateTimeOffset t, TimeSpan d) =>
        DateTimeOffset.MaxValue - t < d ? DateTimeOffset.MaxValue : t + d;

    /// <summary>Truncates to whole microseconds (the precision every backend stores).</summary>
    public static DateTimeOffset ToMicros(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>Microseconds since the Unix epoch (the storage representation).</summary>
    public static long ToUnixMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>The inverse of <see cref="ToUnixMicros"/>.</summary>
    public static DateTimeOffset FromUnixMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + micros * 10, TimeSpan.Zero);

    /// <summary>
    /// Strictly parses <c>YYYY-MM-DDTHH:MM:SS[.f]Z</c> (UTC only, <c>T</c> at index 10, 1–9 fraction digits,
    /// no offsets); fraction digits beyond the 100 ns tick are truncated.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (text.Length < 20 || text[^1] != 'Z') return false;
        if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') return false;
        if (!TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day)
            || !TryDigits(text[11..13], out var hour) || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second))
            return false;
        long fractionTicks = 0;
        var rest = text[19..^1];
        if (rest.Length > 0)
        {
            if (rest[0] != '.' || rest.Length < 2 || rest.Length > 10 || !TryDigits(rest[1..], out _)) return false;
            var digits = rest[1..];
            for (var i = 0; i < 7; i++) fractionTicks = fractionTicks * 10 + (i < digits.Length ? digits[i] - '0' : 0);
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        timestamp = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(fractionTicks);
        return true;
    }

    /// <summary>
    /// Parses an RFC 3339 date-time with any offset (<c>Z</c> or <c>±hh:mm</c>, <c>T</c> or <c>t</c>, up to 9 fraction
    /// digits, those beyond the 100 ns tick truncated), as the <c>at</c> of an expiry extension is written.
    /// </summary>
    public static bool TryParseRfc3339(string text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        ArgumentNullException.ThrowIfNull(text);
        var offsetAt = text.Length > 0 && (text[^1] is 'Z' or 'z') ? text.Length - 1 : text.Length - 6;
        if (offsetAt < 19 || text[10] is not ('T' or 't')) return false;
        var fraction = text.AsSpan(19, offsetAt - 19);
        if (fraction.Length > 0 && (fraction[0] != '.' || fraction.Length is < 2 or > 10 || !TryDigits(fraction[1..], out _))) return false;
        TimeSpan offset = TimeSpan.Zero;
        if (offsetAt == text.Length - 6)
        {
            var o = text.AsSpan(offsetAt);
            if (o[0] is not ('+' or '-') || o[3] != ':' || !TryDigits(o[1..3], out var oh) || !TryDigits(o[4..6], out var om) || oh > 23 || om > 59) return false;
            offset = new TimeSpan(oh, om, 0) * (o[0] == '-' ? -1 : 1);
        }
        var utc = $"{text.AsSpan(0, 10)}T{text.AsSpan(11, 8)}{(fraction.Length > 8 ? fraction[..8] : fraction)}Z";
        if (!TryParse(utc, out var local)) return false;
        var ticks = local.UtcTicks - offset.Ticks;
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        timestamp = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            if (s.Length <= 9) value = value * 10 + (c - '0');
        }
        return true;
    }
}
