using System.Globalization;
using System.Text;

namespace ObjectStore.Client;

/// <summary>When an object expires: never (manual), a fixed time after it was written (TTL), or after it was last read (TTI).</summary>
public readonly record struct ExpirationPolicy
{
    private ExpirationPolicy(ExpirationKind kind, TimeSpan duration)
    {
        Kind = kind;
        Duration = duration;
    }

    /// <summary>Which kind of policy this is.</summary>
    public ExpirationKind Kind { get; }

    /// <summary>The TTL or TTI duration; zero for <see cref="ExpirationKind.Manual"/>.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Never expires; deleted only explicitly (the server's default).</summary>
    public static ExpirationPolicy Manual => default;

    /// <summary>Expires <paramref name="duration"/> after the write.</summary>
    public static ExpirationPolicy TimeToLive(TimeSpan duration) => new(ExpirationKind.TimeToLive, Positive(duration));

    /// <summary>Expires <paramref name="duration"/> after the last access (reads extend it).</summary>
    public static ExpirationPolicy TimeToIdle(TimeSpan duration) => new(ExpirationKind.TimeToIdle, Positive(duration));

    /// <summary>The <c>x-sn-expiration</c> header value: <c>manual</c>, <c>ttl:&lt;duration&gt;</c> or <c>tti:&lt;duration&gt;</c>.</summary>
    public override string ToString() => Kind switch
    {
        ExpirationKind.TimeToLive => "ttl:" + HumanDuration.Format(Duration),
        ExpirationKind.TimeToIdle => "tti:" + HumanDuration.Format(Duration),
        _ => "manual",
    };

    /// <summary>Parses an <c>x-sn-expiration</c> value as the server writes it (humantime durations).</summary>
    public static bool TryParse(string? text, out ExpirationPolicy policy)
    {
        policy = Manual;
        if (text is null || text == "manual") return text is not null;
        if (text.Length < 4 || text[3] != ':') return false;
        var kind = text[..3] switch
        {
            "ttl" => ExpirationKind.TimeToLive,
            "tti" => ExpirationKind.TimeToIdle,
            _ => (ExpirationKind?)null,
        };
        if (kind is null || !HumanDuration.TryParse(text.AsSpan(4), out var duration)) return false;
        policy = new ExpirationPolicy(kind.Value, duration);
        return true;
    }

    private static TimeSpan Positive(TimeSpan duration) =>
        duration >= TimeSpan.Zero ? duration : throw new ArgumentOutOfRangeException(nameof(duration), duration, "an expiration duration cannot be negative");
}

/// <summary>The kinds of <see cref="ExpirationPolicy"/>.</summary>
public enum ExpirationKind
{
    /// <summary>Never expires.</summary>
    Manual,

    /// <summary>Time to live: counted from the write.</summary>
    TimeToLive,

    /// <summary>Time to idle: counted from the last access.</summary>
    TimeToIdle,
}

/// <summary>
/// The humantime duration grammar the server speaks (api doc §5.2): spans <c>&lt;n&gt;&lt;unit&gt;</c> separated by
/// optional whitespace, with years and months as the server writes them (365.25 and 30.44 days).
/// </summary>
internal static class HumanDuration
{
    /// <summary>Days, hours, minutes, seconds and milliseconds, zero parts omitted: unambiguous for every humantime parser.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var text = new StringBuilder();
        Append(text, duration.Days, "days");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        Append(text, duration.Milliseconds, "ms");
        // Below a millisecond the server keeps microseconds; a client policy that fine is a mistake, not a need.
        return text.Length == 0 ? "1ms" : text.ToString();
    }

    private static void Append(StringBuilder text, int value, string unit)
    {
        if (value == 0) return;
        if (text.Length > 0) text.Append(' ');
        text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var total = 0.0;
        var spans = 0;
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i == text.Length) break;
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || !double.TryParse(text[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            start = i;
            while (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == 'µ')) i++;
            var seconds = UnitSeconds(text[start..i]);
            if (seconds is null) return false;
            total += number * seconds.Value;
            spans++;
        }
        if (spans == 0 || total > TimeSpan.MaxValue.TotalSeconds) return false;
        duration = TimeSpan.FromTicks((long)Math.Round(total * TimeSpan.TicksPerSecond));
        return true;
    }

    private static double? UnitSeconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" or "nsec" or "nanos" => 1e-9,
        "us" or "usec" or "µs" => 1e-6,
        "ms" or "msec" or "millis" => 1e-3,
        "s" or "sec" or "secs" or "second" or "seconds" => 1,
        "m" or "min" or "mins" or "minute" or "minutes" => 60,
        "h" or "hr" or "hrs" or "hour" or "hours" => 3600,
        "d" or "day" or "days" => 86_400,
        "w" or "wk" or "wks" or "week" or "weeks" => 604_800,
        "M" or "month" or "months" => 2_630_016,
        "y" or "yr" or "yrs" or "year" or "years" => 31_557_600,
        _ => null,
    };
}
