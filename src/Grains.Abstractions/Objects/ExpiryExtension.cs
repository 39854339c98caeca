namespace ObjectStore.Grains.Objects;

/// <summary>What a requested expiry deadline is measured from (objectstore's <c>extend_expiry</c> forms).</summary>
[GenerateSerializer, Alias("objectstore.ExpiryAnchor")]
public enum ExpiryAnchor
{
    /// <summary>An absolute deadline, <see cref="ExpiryRequest.At"/>.</summary>
    Absolute = 0,
    /// <summary><see cref="ExpiryRequest.After"/> from the time the grain decides.</summary>
    Now = 1,
    /// <summary><see cref="ExpiryRequest.After"/> from the object's creation (or last replacement).</summary>
    Creation = 2,
}

/// <summary>
/// A minimum expiration deadline for an existing TTL or TTI object (<see cref="IObjectGrain.ExtendExpiry"/>); a deadline
/// is never shortened. The optional caps bound how far from now the deadline may reach, per kind (the HTTP gateway
/// passes the usecase's <c>expiration.max</c>); in-cluster callers may leave them unset.
/// </summary>
[GenerateSerializer, Immutable, Alias("objectstore.ExpiryRequest")]
public sealed record ExpiryRequest
{
    /// <summary>What the deadline is measured from.</summary>
    [Id(0)] public required ExpiryAnchor Anchor { get; init; }

    /// <summary>The deadline, for <see cref="ExpiryAnchor.Absolute"/>.</summary>
    [Id(1)] public DateTimeOffset? At { get; init; }

    /// <summary>The lifetime, for <see cref="ExpiryAnchor.Now"/> and <see cref="ExpiryAnchor.Creation"/>.</summary>
    [Id(2)] public TimeSpan? After { get; init; }

    /// <summary>The longest a TTL object may live from now; null = unlimited.</summary>
    [Id(3)] public TimeSpan? TtlMax { get; init; }

    /// <summary>The longest a TTI object may live from now; null = unlimited.</summary>
    [Id(4)] public TimeSpan? TtiMax { get; init; }
}

/// <summary>The answer to <see cref="IObjectGrain.ExtendExpiry"/>.</summary>
[GenerateSerializer, Alias("objectstore.ExpiryResult")]
public enum ExpiryResult
{
    /// <summary>The deadline moved out to the requested one.</summary>
    Extended = 0,
    /// <summary>The deadline already covered the request (nothing changed).</summary>
    AlreadySatisfied = 1,
    /// <summary>The object is absent or expired.</summary>
    NotFound = 2,
    /// <summary>The object never expires (manual policy).</summary>
    NotExpiring = 3,
    /// <summary>A concurrent change won, or a creation-relative request met an object without a creation time.</summary>
    Conflict = 4,
    /// <summary>The deadline lies beyond the cap for the object's kind, measured from now.</summary>
    BeyondLimit = 5,
    /// <summary>The deadline cannot be represented (too far in the future).</summary>
    OutOfRange = 6,
}
