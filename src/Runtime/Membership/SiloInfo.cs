namespace ObjectStore.Runtime.Membership;

/// <summary>Lifecycle of one silo incarnation in the membership table.</summary>
public enum SiloStatus
{
    /// <summary>Starting; not yet a placement target.</summary>
    Joining,
    /// <summary>Serving; a placement target while its lease holds.</summary>
    Active,
    /// <summary>Draining after a graceful stop began; no longer a placement target.</summary>
    ShuttingDown,
    /// <summary>Gone: left gracefully, or its lease lapsed.</summary>
    Dead,
}

/// <summary>
/// One silo incarnation: a unique id (new on every start), its internal endpoint for silo-to-silo
/// calls, and its lease. A silo whose lease expired is dead to everyone, whatever its status column says.
/// </summary>
public sealed record SiloInfo(
    string SiloId,
    string Endpoint,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LeaseExpiresAt)
{
    /// <summary>True when this silo may receive placements at <paramref name="now"/>.</summary>
    public bool IsLive(DateTimeOffset now) => Status == SiloStatus.Active && LeaseExpiresAt > now;
}
