using System.Globalization;
using System.Text.RegularExpressions;

namespace ObjectStore.Bench.Load;

/// <summary>Sizes (<c>5KiB</c>, <c>20 MiB</c>, <c>1000</c>) and durations (<c>10s</c>, <c>1h 30m</c>, <c>500ms</c>) as workload files and flags write them.</summary>
internal static partial class Units
{
    /// <summary>Bytes of a size: B, KB/MB/GB (powers of 1000), KiB/MiB/GiB (powers of 1024), case-insensitive; a bare number is bytes.</summary>
    public static long ParseSize(string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success) throw new FormatException($"'{text}' is not a size (such as 5KiB, 20MiB or 1000)");
        var number = double.Parse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        double factor = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "kb" => 1e3,
            "mb" => 1e6,
            "gb" => 1e9,
            "k" or "kib" => 1024,
            "m" or "mib" => 1024 * 1024,
            "g" or "gib" => 1024.0 * 1024 * 1024,
            var unit => throw new FormatException($"'{text}': unknown size unit '{unit}' (use B, KB, MB, GB, KiB, MiB or GiB)"),
        };
        return checked((long)Math.Floor(number * factor));
    }

    /// <summary>A duration of one or more spans (ms, s, m, h, d); a bare number is seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        var matches = DurationPattern().Matches(trimmed);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)).Replace(" ", "", StringComparison.Ordinal) != trimmed.Replace(" ", "", StringComparison.Ordinal))
            throw new FormatException($"'{text}' is not a duration (such as 10s, 500ms, 2m or 1h 30m)");
        var total = TimeSpan.Zero;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(n),
                "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(n),
                "h" or "hr" or "hour" or "hours" => TimeSpan.FromHours(n),
                "d" or "day" or "days" => TimeSpan.FromDays(n),
                var unit => throw new FormatException($"'{text}': unknown duration unit '{unit}'"),
            };
        }
        return total;
    }

    /// <summary>A TTL: a duration, or null for never|none|manual|off.</summary>
    public static TimeSpan? ParseTtl(string text) =>
        text.Trim().ToLowerInvariant() is "never" or "none" or "manual" or "off" ? null : ParseDuration(text);

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*([a-z]+)")]
    private static partial Regex DurationPattern();
}
