using System.ComponentModel.DataAnnotations;

namespace ObjectStore.Gateway.Admission;

/// <summary>Configuration section <c>rate_limits</c> (api doc §10.4).</summary>
internal sealed record RateLimitOptions
{
    /// <summary><c>rate_limits.throughput</c>: requests per second.</summary>
    public ThroughputOptions Throughput { get; init; } = new();

    /// <summary><c>rate_limits.bandwidth</c>: bytes per second.</summary>
    public BandwidthOptions Bandwidth { get; init; } = new();
}

/// <summary><c>rate_limits.throughput</c>: token buckets, one token per request.</summary>
internal sealed record ThroughputOptions
{
    /// <summary><c>global_rps</c>; null = no global limit (and no pct-derived limits).</summary>
    [Range(0, double.MaxValue)]
    public double? GlobalRps { get; init; }

    /// <summary><c>burst</c>: extra capacity of every bucket above its rate (default 0).</summary>
    [Range(0, double.MaxValue)]
    public double Burst { get; init; }

    /// <summary><c>usecase_pct</c>: each usecase's share of <see cref="GlobalRps"/>, in percent.</summary>
    [Range(0, 100)]
    public double? UsecasePct { get; init; }

    /// <summary><c>scope_pct</c>: each full scope list's share of <see cref="GlobalRps"/>, in percent.</summary>
    [Range(0, 100)]
    public double? ScopePct { get; init; }

    /// <summary><c>rules</c>: extra buckets for matching requests.</summary>
    public IReadOnlyList<ThroughputRule> Rules { get; init; } = [];
}

/// <summary>One <c>rate_limits.throughput.rules[]</c> entry; its limit is <c>rps</c>, <c>pct</c> of global, or the smaller.</summary>
internal sealed record ThroughputRule
{
    /// <summary>Usecase the request must have.</summary>
    public string? Usecase { get; init; }

    /// <summary>Scope pairs that must all be present in the request.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Scopes { get; init; } = [];

    /// <summary>Absolute limit in requests per second.</summary>
    [Range(0, double.MaxValue)]
    public double? Rps { get; init; }

    /// <summary>Limit as a percentage of the global limit.</summary>
    [Range(0, 100)]
    public double? Pct { get; init; }

    /// <summary>The rule's effective rate, or null when it has none (the rule is then skipped).</summary>
    public double? EffectiveRps(double? globalRps)
    {
        var fromPct = Pct is { } pct && globalRps is { } global ? global * pct / 100 : (double?)null;
        return (Rps, fromPct) switch
        {
            ({ } a, { } b) => Math.Min(a, b),
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => null,
        };
    }
}

/// <summary><c>rate_limits.bandwidth</c>: GCRA buckets charged with streamed bytes.</summary>
internal sealed record BandwidthOptions
{
    /// <summary><c>global_bps</c>; null = no bandwidth limit.</summary>
    [Range(0, double.MaxValue)]
    public double? GlobalBps { get; init; }

    /// <summary><c>burst_ms</c>: how far a bucket's theoretical arrival time may run ahead of now (default 1000).</summary>
    [Range(0, long.MaxValue)]
    public long BurstMs { get; init; } = 1000;

    /// <summary><c>usecase_pct</c>: each usecase's share of <see cref="GlobalBps"/>, in percent.</summary>
    [Range(0, 100)]
    public double? UsecasePct { get; init; }

    /// <summary><c>scope_pct</c>: each full scope list's share of <see cref="GlobalBps"/>, in percent.</summary>
    [Range(0, 100)]
    public double? ScopePct { get; init; }

    /// <summary><c>report_only</c>: account but never reject.</summary>
    public bool ReportOnly { get; init; }
}
