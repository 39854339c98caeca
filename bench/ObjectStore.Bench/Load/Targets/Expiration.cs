using System.Globalization;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>The <c>x-sn-expiration</c> header value as the Python client writes it.</summary>
internal static class Expiration
{
    /// <summary><c>ttl:&lt;D&gt; days &lt;S&gt; seconds</c> (zero parts omitted, sub-second dropped), or <c>manual</c> for no TTL.</summary>
    public static string Header(TimeSpan? ttl)
    {
        if (ttl is not { } value) return "manual";
        var days = (long)value.TotalDays;
        var seconds = (long)(value - TimeSpan.FromDays(days)).TotalSeconds;
        var parts = new List<string>(2);
        if (days > 0) parts.Add(days.ToString(CultureInfo.InvariantCulture) + " days");
        if (seconds > 0 || days == 0) parts.Add(seconds.ToString(CultureInfo.InvariantCulture) + " seconds");
        return "ttl:" + string.Join(' ', parts);
    }
}
