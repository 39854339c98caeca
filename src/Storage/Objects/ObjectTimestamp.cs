namespace ObjectStore.Storage.Objects;

/// <summary>Timestamps on the wire: UTC RFC 3339 with exactly six fractional digits and <c>Z</c>.</summary>
public static class ObjectTimestamp
{
    /// <summary>Formats as <c>2023-11-14T22:13:20.000000Z</c>.</summary>
    public static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Truncates to whole microseconds (the precision every backend stores).</summary>
    public static DateTimeOffset ToMicros(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>Microseconds since the Unix epoch (the storage representation).</summary>
    public static long ToUnixMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>The inverse of <see cref="ToUnixMicros"/>.</summary>
    public static DateTimeOffset FromUnixMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + micros * 10, TimeSpan.Zero);
}
