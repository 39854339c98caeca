namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// The schedule arithmetic and input checks every reminder table shares, so the in-memory, SQLite
/// and PostgreSQL tables agree tick for tick. Times are kept at microsecond precision (what
/// PostgreSQL stores), in UTC.
/// </summary>
internal static class ReminderSchedule
{
    /// <summary>Longest accepted period; keeps the grid arithmetic far from overflow.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(3650);

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>Truncates to whole microseconds, in UTC.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>Microseconds since the Unix epoch (SQLite's stored form).</summary>
    public static long ToUnixMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    /// <summary>The inverse of <see cref="ToUnixMicroseconds"/>.</summary>
    public static DateTimeOffset FromUnixMicroseconds(long micros) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + micros * TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>Period in whole microseconds (the stored form).</summary>
    public static long ToMicroseconds(TimeSpan period) => period.Ticks / TicksPerMicrosecond;

    /// <summary>The inverse of <see cref="ToMicroseconds(TimeSpan)"/>.</summary>
    public static TimeSpan FromMicroseconds(long micros) => TimeSpan.FromTicks(micros * TicksPerMicrosecond);

    /// <summary>
    /// The first time strictly after <paramref name="now"/> on the grid <paramref name="due"/> + k × period,
    /// with k ≥ 1 so an acknowledged tick never comes back; ticks missed while nobody delivered are skipped.
    /// </summary>
    public static DateTimeOffset NextDueAfter(DateTimeOffset due, TimeSpan period, DateTimeOffset now)
    {
        var k = now < due ? 1 : (now - due).Ticks / period.Ticks + 1;
        return Normalize(due + TimeSpan.FromTicks(k * period.Ticks));
    }

    /// <summary>Rejects input that no table could store faithfully.</summary>
    public static void Validate(string grainType, string grainKey, string name, DateTimeOffset firstDue, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (period < TimeSpan.FromMilliseconds(1) || period > MaxPeriod)
            throw new ArgumentOutOfRangeException(nameof(period), period, $"A reminder period must be between 1 ms and {MaxPeriod.TotalDays:0} days.");
        if (firstDue.UtcDateTime.Year is < 1970 or > 9000)
            throw new ArgumentOutOfRangeException(nameof(firstDue), firstDue, "A reminder's first due time must lie between 1970 and 9000.");
    }

    /// <summary>Rejects claim arguments that make no sense.</summary>
    public static void ValidateClaim(TimeSpan claimFor, int limit)
    {
        if (claimFor <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(claimFor), claimFor, "A claim must last a positive time.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
    }
}
