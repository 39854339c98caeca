using Microsoft.Extensions.Configuration;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Admission;

/// <summary>Configuration <c>usecases.&lt;name&gt;</c> (api doc §10.2).</summary>
internal sealed record UsecaseOptions
{
    /// <summary><c>expiration.manual.allowed</c> (default true).</summary>
    [ConfigurationKeyName("expiration:manual:allowed")]
    public bool ManualAllowed { get; init; } = true;

    /// <summary><c>expiration.ttl.allowed</c> (default true).</summary>
    [ConfigurationKeyName("expiration:ttl:allowed")]
    public bool TtlAllowed { get; init; } = true;

    /// <summary><c>expiration.ttl.max</c>; null = unlimited.</summary>
    [ConfigurationKeyName("expiration:ttl:max")]
    public TimeSpan? TtlMax { get; init; }

    /// <summary><c>expiration.tti.allowed</c> (default true).</summary>
    [ConfigurationKeyName("expiration:tti:allowed")]
    public bool TtiAllowed { get; init; } = true;

    /// <summary><c>expiration.tti.max</c>; null = unlimited.</summary>
    [ConfigurationKeyName("expiration:tti:max")]
    public TimeSpan? TtiMax { get; init; }

    /// <summary>
    /// <c>expiration.max</c>: the longest TTL or TTI (objectstore-server post-0.2.0 <c>usecases.rs</c>), also the furthest
    /// an expiry extension may reach from the request time; null = unlimited. With a kind's own max, the smaller counts.
    /// </summary>
    [ConfigurationKeyName("expiration:max")]
    public TimeSpan? Max { get; init; }
}

/// <summary>A write whose expiration policy the usecase does not allow; 400 with <see cref="Detail"/>.</summary>
internal sealed class UsecasePolicyException(string message) : Exception(message)
{
    /// <summary>The JSON <c>detail</c> text: <c>client error: …</c>.</summary>
    public string Detail => "client error: " + Message;
}

/// <summary>
/// The usecase expiration constraints, the one place every write path asks: <see cref="Check"/> for a new object's
/// policy (POST/PUT, multipart initiate, each batch insert, resumable session create) and <see cref="MaxLifetime"/>
/// for how far an expiry extension may reach. Unlisted usecases are unconstrained; a duration equal to the maximum is fine.
/// </summary>
internal sealed class UsecasePolicies(IReadOnlyDictionary<string, UsecaseOptions> usecases)
{
    /// <summary>No usecase constrained.</summary>
    public static UsecasePolicies Unconstrained { get; } = new(new Dictionary<string, UsecaseOptions>());

    /// <summary>Throws <see cref="UsecasePolicyException"/> when <paramref name="policy"/> violates the usecase's constraints.</summary>
    public void Check(string usecase, ExpirationPolicy policy)
    {
        if (!usecases.TryGetValue(usecase, out var options)) return;
        var allowed = policy.Kind switch
        {
            ExpirationKind.TimeToLive => options.TtlAllowed,
            ExpirationKind.TimeToIdle => options.TtiAllowed,
            _ => options.ManualAllowed,
        };
        if (!allowed)
            throw new UsecasePolicyException($"expiration policy '{policy}' is not allowed for use case '{usecase}'");
        if (MaxOf(options, policy.Kind) is { } limit && policy.Duration > limit)
            throw new UsecasePolicyException(
                $"expiration duration {HumanDuration.Format(policy.Duration)} exceeds maximum of {HumanDuration.Format(limit)} for use case '{usecase}'");
    }

    /// <summary>
    /// The longest lifetime the usecase allows objects of <paramref name="kind"/>, measured from the request time when
    /// an expiry is extended; null when unlimited (and always for manual objects, which do not expire).
    /// </summary>
    public TimeSpan? MaxLifetime(string usecase, ExpirationKind kind) =>
        usecases.TryGetValue(usecase, out var options) ? MaxOf(options, kind) : null;

    private static TimeSpan? MaxOf(UsecaseOptions options, ExpirationKind kind)
    {
        if (kind == ExpirationKind.Manual) return null;
        var own = kind == ExpirationKind.TimeToLive ? options.TtlMax : options.TtiMax;
        return own is { } a && options.Max is { } b ? (a < b ? a : b) : own ?? options.Max;
    }
}
