namespace ObjectStore.Storage.Objects;

/// <summary>How an object expires: never (manual), a fixed time after writing (TTL), or after being idle (TTI).</summary>
public enum ExpirationKind
{
    /// <summary>Never expires; deleted explicitly.</summary>
    Manual,
    /// <summary>Expires a fixed duration after the write.</summary>
    TimeToLive,
    /// <summary>Expires a duration after the last access; each access pushes it back.</summary>
    TimeToIdle,
}

/// <summary>
/// An expiration policy, written <c>manual</c>, <c>ttl:&lt;duration&gt;</c> or <c>tti:&lt;duration&gt;</c> on the wire
/// (durations in <see cref="WireDuration"/>: humantime accepted, <c>Nd Nh Nm Ns</c> emitted).
/// </summary>
public readonly record struct ExpirationPolicy(ExpirationKind Kind, TimeSpan Duration)
{
    /// <summary>The default policy.</summary>
    public static ExpirationPolicy Manual => new(ExpirationKind.Manual, TimeSpan.Zero);

    /// <summary>Time-to-live of the given duration.</summary>
    public static ExpirationPolicy TimeToLive(TimeSpan duration) => new(ExpirationKind.TimeToLive, duration);

    /// <summary>Time-to-idle of the given duration.</summary>
    public static ExpirationPolicy TimeToIdle(TimeSpan duration) => new(ExpirationKind.TimeToIdle, duration);

    /// <summary>True for TTL and TTI.</summary>
    public bool Expires => Kind != ExpirationKind.Manual;

    /// <summary>The deadline for an object written or accessed at <paramref name="now"/>, or null for manual.</summary>
    public DateTimeOffset? DeadlineFrom(DateTimeOffset now) => Expires ? ObjectTimestamp.SaturatingAdd(now, Duration) : null;

    /// <summary>
    /// TTI debounce: <c>min(tti / 4, 24 h)</c>. An access bumps the deadline only when the stored one is
    /// earlier than <c>now + tti − debounce</c>.
    /// </summary>
    public TimeSpan TtiDebounce => TimeSpan.FromTicks(Math.Min(Duration.Ticks / 4, TimeSpan.FromHours(24).Ticks));

    /// <summary>Parses <c>manual</c>, <c>ttl:…</c>, <c>tti:…</c> (durations in the humantime grammar, which includes the emitted form).</summary>
    public static bool TryParse(string? value, out ExpirationPolicy policy)
    {
        policy = Manual;
        if (value is null) return false;
        if (value == "manual") return true;
        ExpirationKind kind;
        if (value.StartsWith("ttl:", StringComparison.Ordinal)) kind = ExpirationKind.TimeToLive;
        else if (value.StartsWith("tti:", StringComparison.Ordinal)) kind = ExpirationKind.TimeToIdle;
        else return false;
        if (!WireDuration.TryParse(value.AsSpan(4), out var duration)) return false;
        policy = new ExpirationPolicy(kind, duration);
        return true;
    }

    /// <summary>The wire form: <c>manual</c>, <c>ttl:1d</c>, <c>tti:1h 30m</c>, <c>ttl:400d 1h</c> (sub-seconds truncated).</summary>
    public override string ToString() => Kind switch
    {
        ExpirationKind.TimeToLive => "ttl:" + WireDuration.Format(Duration),
        ExpirationKind.TimeToIdle => "tti:" + WireDuration.Format(Duration),
        _ => "manual",
    };
}
