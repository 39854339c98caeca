using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Admission;

/// <summary>Configuration <c>usecases.&lt;name&gt;</c> (api doc §10.2).</summary>
internal sealed record UsecaseOptions
{
    /// <summary><c>expiration.manual.allowed</c> (default true).</summary>
    public bool ManualAllowed { get; init; } = true;

    /// <summary><c>expiration.ttl.allowed</c> (default true).</summary>
    public bool TtlAllowed { get; init; } = true;

    /// <summary><c>expiration.ttl.max</c>; null = unlimited.</summary>
    public TimeSpan? TtlMax { get; init; }

    /// <summary><c>expiration.tti.allowed</c> (default true).</summary>
    public bool TtiAllowed { get; init; } = true;

    /// <summary><c>expiration.tti.max</c>; null = unlimited.</summary>
    public TimeSpan? TtiMax { get; init; }
}

/// <summary>A write whose expiration policy the usecase does not allow; 400 with <see cref="Detail"/>.</summary>
internal sealed class UsecasePolicyException(string message) : Exception(message)
{
    /// <summary>The JSON <c>detail</c> text: <c>client error: …</c>.</summary>
    public string Detail => "client error: " + Message;
}

/// <summary>
/// Checks a write's expiration policy against its usecase's constraints (POST/PUT, multipart initiate,
/// each batch insert). Unlisted usecases are unconstrained; a duration equal to the maximum is fine.
/// </summary>
internal sealed class UsecasePolicies(IReadOnlyDictionary<string, UsecaseOptions> usecases)
{
    /// <summary>No usecase constrained.</summary>
    public static UsecasePolicies Unconstrained { get; } = new(new Dictionary<string, UsecaseOptions>());

    /// <summary>Throws <see cref="UsecasePolicyException"/> when <paramref name="policy"/> violates the usecase's constraints.</summary>
    public void Check(string usecase, ExpirationPolicy policy)
    {
        if (!usecases.TryGetValue(usecase, out var options)) return;
        var (allowed, max) = policy.Kind switch
        {
            ExpirationKind.TimeToLive => (options.TtlAllowed, options.TtlMax),
            ExpirationKind.TimeToIdle => (options.TtiAllowed, options.TtiMax),
            _ => (options.ManualAllowed, (TimeSpan?)null),
        };
        if (!allowed)
            throw new UsecasePolicyException($"expiration policy '{policy}' is not allowed for use case '{usecase}'");
        if (max is { } limit && policy.Duration > limit)
            throw new UsecasePolicyException(
                $"expiration duration {HumanDuration.Format(policy.Duration)} exceeds maximum of {HumanDuration.Format(limit)} for use case '{usecase}'");
    }
}
