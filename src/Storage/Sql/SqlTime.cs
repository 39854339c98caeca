using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Sql;

/// <summary>Times in SQL columns: <c>bigint</c> microseconds since the Unix epoch.</summary>
internal static class SqlTime
{
    public static long ToMicros(DateTimeOffset t) => ObjectTimestamp.ToUnixMicros(t);

    public static DateTimeOffset FromMicros(long micros) => ObjectTimestamp.FromUnixMicros(micros);

    /// <summary>
    /// <c>now</c> rounded up to a microsecond, so that the column test <c>deadline &lt; now</c> agrees
    /// exactly with <see cref="ObjectMetadata.IsExpired"/> on the stored (microsecond) deadline.
    /// </summary>
    public static long NowCeilingMicros(DateTimeOffset now)
    {
        var ticks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks / 10 + (ticks % 10 > 0 ? 1 : 0);
    }
}
