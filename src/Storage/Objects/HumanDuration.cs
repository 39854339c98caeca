using System.Numerics;
using System.Text;

namespace ObjectStore.Storage.Objects;

/// <summary>
/// The humantime duration grammar objectstore uses on the wire (api doc §5.2): parse the superset
/// (<c>1 days 30 seconds</c>, <c>4.2s</c>, <c>µs</c>, <c>wk</c>, <c>yr</c>) and format exactly as humantime does
/// (<c>1day</c>, <c>2days</c>, <c>1h 30m</c>, <c>11months 30days 3h 50m 24s</c>, <c>0s</c>).
/// </summary>
public static class HumanDuration
{
    private const long NanosPerSecond = 1_000_000_000;
    private const long SecondsPerYear = 31_557_600;   // 365.25 days, humantime's year
    private const long SecondsPerMonth = 2_630_016;   // 30.44 days, humantime's month

    // Fraction digits past this many cannot change a nanosecond count of any unit we know.
    private const int MaxFractionDigits = 30;

    /// <summary>Parses a humantime duration; false for empty input, unknown units or missing numbers.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var i = SkipWhitespace(text, 0);
        if (i == text.Length) return false;
        BigInteger totalNanos = BigInteger.Zero;
        while (i < text.Length)
        {
            if (!TryReadNumber(text, ref i, out var whole, out var fraction, out var fractionScale)) return false;
            i = SkipWhitespace(text, i);
            var unitStart = i;
            while (i < text.Length && IsUnitChar(text[i])) i++;
            if (!TryUnitNanos(text[unitStart..i], out var unitNanos)) return false;
            totalNanos += whole * unitNanos + fraction * unitNanos / fractionScale;
            i = SkipWhitespace(text, i);
        }
        var ticks = totalNanos / 100;
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Formats as humantime does.</summary>
    public static string Format(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var secs = duration.Ticks / TimeSpan.TicksPerSecond;
        var nanos = duration.Ticks % TimeSpan.TicksPerSecond * 100;
        if (secs == 0 && nanos == 0) return "0s";
        var yearRest = secs % SecondsPerYear;
        var monthRest = yearRest % SecondsPerMonth;
        var daySeconds = monthRest % 86_400;
        var sb = new StringBuilder();
        Plural(sb, "year", secs / SecondsPerYear);
        Plural(sb, "month", yearRest / SecondsPerMonth);
        Plural(sb, "day", monthRest / 86_400);
        Item(sb, "h", daySeconds / 3600);
        Item(sb, "m", daySeconds % 3600 / 60);
        Item(sb, "s", daySeconds % 60);
        Item(sb, "ms", nanos / 1_000_000);
        Item(sb, "us", nanos / 1000 % 1000);
        Item(sb, "ns", nanos % 1000);
        return sb.ToString();
    }

    private static void Plural(StringBuilder sb, string name, long value)
    {
        if (value == 0) return;
        Item(sb, name, value);
        if (value > 1) sb.Append('s');
    }

    private static void Item(StringBuilder sb, string name, long value)
    {
        if (value == 0) return;
        if (sb.Length > 0) sb.Append(' ');
        sb.Append(value).Append(name);
    }

    // A number is digits (humantime lets whitespace separate them) with an optional `.digits` fraction.
    private static bool TryReadNumber(ReadOnlySpan<char> text, ref int i, out BigInteger whole, out BigInteger fraction, out BigInteger fractionScale)
    {
        whole = BigInteger.Zero;
        fraction = BigInteger.Zero;
        fractionScale = BigInteger.One;
        if (i >= text.Length || !char.IsAsciiDigit(text[i])) return false;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || char.IsWhiteSpace(text[i])))
        {
            if (char.IsAsciiDigit(text[i]))
            {
                whole = whole * 10 + (text[i] - '0');
                if (whole > ulong.MaxValue) return false; // humantime's NumberOverflow
            }
            i++;
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var digits = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                if (digits++ < MaxFractionDigits)
                {
                    fraction = fraction * 10 + (text[i] - '0');
                    fractionScale *= 10;
                }
                i++;
            }
            if (digits == 0) return false;
        }
        return true;
    }

    private static bool IsUnitChar(char c) => char.IsAsciiLetter(c) || c is 'µ' or 'μ';

    private static int SkipWhitespace(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    private static bool TryUnitNanos(ReadOnlySpan<char> unit, out long nanos)
    {
        nanos = unit switch
        {
            "ns" or "nsec" or "nanos" => 1,
            "us" or "usec" or "µs" or "μs" => 1_000,
            "ms" or "msec" or "millis" => 1_000_000,
            "s" or "sec" or "secs" or "second" or "seconds" => NanosPerSecond,
            "m" or "min" or "mins" or "minute" or "minutes" => 60 * NanosPerSecond,
            "h" or "hr" or "hrs" or "hour" or "hours" => 3600 * NanosPerSecond,
            "d" or "day" or "days" => 86_400 * NanosPerSecond,
            "w" or "week" or "weeks" or "wk" or "wks" => 7 * 86_400 * NanosPerSecond,
            "M" or "month" or "months" => SecondsPerMonth * NanosPerSecond,
            "y" or "year" or "years" or "yr" or "yrs" => SecondsPerYear * NanosPerSecond,
            _ => 0,
        };
        return nanos != 0;
    }
}
