namespace ObjectStore.Storage.Objects;

/// <summary>What an expiry extension did, or why it did not (objectstore's <c>SetExpiryResponse</c>, refined).</summary>
public enum ExpiryOutcome
{
    /// <summary>The stored deadline moved out to the requested one.</summary>
    Extended,
    /// <summary>The stored deadline already covered the request; nothing was written.</summary>
    AlreadySatisfied,
    /// <summary>The object is absent or expired.</summary>
    NotFound,
    /// <summary>The object never expires (manual policy): there is no deadline to extend.</summary>
    NotExpiring,
    /// <summary>The row is not the one the caller expected (another write won), or a creation-relative target has no creation time.</summary>
    Conflict,
    /// <summary>The requested deadline lies further from now than the usecase's maximum lifetime allows.</summary>
    BeyondLimit,
    /// <summary>The requested deadline is outside the timestamps this server can represent.</summary>
    OutOfRange,
}

/// <summary>The decision an <see cref="ExpiryExtension"/> takes on a live row: the outcome, and for <see cref="ExpiryOutcome.Extended"/> the new deadline and policy.</summary>
public readonly record struct ExpiryDecision(ExpiryOutcome Outcome, DateTimeOffset? Deadline = null, ExpirationPolicy Policy = default);

/// <summary>
/// A request for a minimum expiration deadline (objectstore's <c>PATCH … {"extend_expiry": …}</c>, server post-0.2.0
/// <c>endpoints/objects.rs</c> and backends' <c>set_expiry</c>; also the TTI bump of a read): absolute, or relative to
/// the object's creation. A deadline is never shortened; payload and every other field are kept. A TTL object's
/// duration is re-derived so that creation + TTL describes the new deadline (<see cref="DeriveTtl"/>); a TTI object's
/// duration is unchanged. Optional caps per kind bound the deadline from the decision's <c>now</c>.
/// </summary>
public sealed record ExpiryExtension
{
    private ExpiryExtension(DateTimeOffset? at, TimeSpan? afterCreation, TimeSpan? ttlMax, TimeSpan? ttiMax)
    {
        At = at;
        AfterCreation = afterCreation;
        TtlMax = ttlMax;
        TtiMax = ttiMax;
    }

    /// <summary>The absolute deadline asked for; null for a creation-relative request.</summary>
    public DateTimeOffset? At { get; }

    /// <summary>The lifetime since creation asked for; null for an absolute request.</summary>
    public TimeSpan? AfterCreation { get; }

    /// <summary>The longest a TTL object may live from now after the extension; null = unlimited.</summary>
    public TimeSpan? TtlMax { get; }

    /// <summary>The longest a TTI object may live from now after the extension; null = unlimited.</summary>
    public TimeSpan? TtiMax { get; }

    /// <summary>A deadline at <paramref name="deadline"/> (truncated to the stored microsecond).</summary>
    public static ExpiryExtension ToDeadline(DateTimeOffset deadline, TimeSpan? ttlMax = null, TimeSpan? ttiMax = null) =>
        new(ObjectTimestamp.ToMicros(deadline), null, ttlMax, ttiMax);

    /// <summary>A deadline <paramref name="lifetime"/> after the object's creation (saturating at the largest timestamp).</summary>
    public static ExpiryExtension FromCreation(TimeSpan lifetime, TimeSpan? ttlMax = null, TimeSpan? ttiMax = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.Zero);
        return new(null, lifetime, ttlMax, ttiMax);
    }

    /// <summary>
    /// Decides on a live row's metadata (its current deadline included), at <paramref name="now"/>. The caller has
    /// already answered absent, expired and wrong-target rows.
    /// </summary>
    public ExpiryDecision Decide(ObjectMetadata current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (!current.Expiration.Expires || current.TimeExpires is not { } stored) return new(ExpiryOutcome.NotExpiring);
        DateTimeOffset deadline;
        if (At is { } at) deadline = at;
        else if (current.TimeCreated is { } created) deadline = ObjectTimestamp.ToMicros(ObjectTimestamp.SaturatingAdd(created, AfterCreation!.Value));
        else return new(ExpiryOutcome.Conflict);
        var max = current.Expiration.Kind == ExpirationKind.TimeToLive ? TtlMax : TtiMax;
        if (max is { } limit && deadline > ObjectTimestamp.SaturatingAdd(now, limit)) return new(ExpiryOutcome.BeyondLimit, deadline);
        if (stored >= deadline) return new(ExpiryOutcome.AlreadySatisfied, deadline);
        var policy = current.Expiration.Kind == ExpirationKind.TimeToLive && current.TimeCreated is { } from
            ? ExpirationPolicy.TimeToLive(DeriveTtl(deadline - from))
            : current.Expiration;
        return new(ExpiryOutcome.Extended, deadline, policy);
    }

    /// <summary>
    /// The TTL that describes <paramref name="lifetime"/>: rounded to the coarsest whole day, hour or minute within 1 %
    /// of it (30 days and 2 s → <c>30d</c>), else to whole seconds, never below one second. The stored deadline stays
    /// exact; the duration is what <c>x-sn-expiration</c> reports.
    /// </summary>
    public static TimeSpan DeriveTtl(TimeSpan lifetime)
    {
        foreach (var unit in (ReadOnlySpan<TimeSpan>)[TimeSpan.FromDays(1), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)])
        {
            var rounded = TimeSpan.FromTicks((long)Math.Round((double)lifetime.Ticks / unit.Ticks, MidpointRounding.AwayFromZero) * unit.Ticks);
            if (rounded > TimeSpan.Zero && Math.Abs((rounded - lifetime).Ticks) * 100 <= lifetime.Ticks) return rounded;
        }
        var seconds = (long)Math.Round(lifetime.TotalSeconds, MidpointRounding.AwayFromZero);
        return TimeSpan.FromSeconds(Math.Max(1, seconds));
    }
}
