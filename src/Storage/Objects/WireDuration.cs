using System.Text;

namespace ObjectStore.Storage.Objects;

/// <summary>
/// The duration format of <c>x-sn-expiration</c> since objectstore 0.2.6 (objectstore-types <c>src/duration.rs</c>):
/// emitted as <c>&lt;n&gt;d &lt;n&gt;h &lt;n&gt;m &lt;n&gt;s</c>, largest unit first, zero parts omitted, <c>0s</c> for zero,
/// days the largest unit (400 days is <c>400d</c>) and any sub-second remainder truncated. Parsing accepts the
/// humantime superset (<see cref="HumanDuration"/>), so 0.2.0 clients' <c>1 days 30 seconds</c> keeps working.
/// Both generations of clients read the emitted form: newer ones accept exactly <c>d h m s</c>, 0.2.0's Python client
/// matches unit prefixes (<c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>) and 0.2.0's Rust client parses humantime.
/// </summary>
public static class WireDuration
{
    /// <summary>Parses the humantime superset; false for empty input, unknown units or missing numbers.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration) => HumanDuration.TryParse(text, out duration);

    /// <summary>Formats in whole days, hours, minutes and seconds.</summary>
    public static string Format(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var secs = duration.Ticks / TimeSpan.TicksPerSecond;
        if (secs == 0) return "0s";
        var sb = new StringBuilder();
        Item(sb, secs / 86_400, 'd');
        Item(sb, secs % 86_400 / 3600, 'h');
        Item(sb, secs % 3600 / 60, 'm');
        Item(sb, secs % 60, 's');
        return sb.ToString();
    }

    private static void Item(StringBuilder sb, long value, char unit)
    {
        if (value == 0) return;
        if (sb.Length > 0) sb.Append(' ');
        sb.Append(value).Append(unit);
    }
}
