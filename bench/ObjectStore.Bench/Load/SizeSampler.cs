namespace ObjectStore.Bench.Load;

/// <summary>Object sizes as objectstore's stresstest draws them: LogNormal(μ = ln p50, σ = (ln p99 − μ) / 2.3263), floored, clamped to max.</summary>
internal sealed class SizeSampler
{
    /// <summary>The 99th percentile of the standard normal distribution.</summary>
    public const double Z99 = 2.3263;

    private readonly long? _max;

    public SizeSampler(SizeDistribution sizes)
    {
        if (sizes.P50 <= 0) throw new ArgumentException($"size p50 must be positive, got {sizes.P50}", nameof(sizes));
        if (sizes.P99 < sizes.P50) throw new ArgumentException($"size p99 ({sizes.P99}) must be at least p50 ({sizes.P50})", nameof(sizes));
        if (sizes.Max is <= 0) throw new ArgumentException($"size max must be positive, got {sizes.Max}", nameof(sizes));
        Mu = Math.Log(sizes.P50);
        Sigma = (Math.Log(sizes.P99) - Mu) / Z99;
        _max = sizes.Max;
    }

    /// <summary>μ of the underlying normal.</summary>
    public double Mu { get; }

    /// <summary>σ of the underlying normal.</summary>
    public double Sigma { get; }

    /// <summary>One size in bytes.</summary>
    public long Sample(Rng rng)
    {
        var value = Math.Floor(Math.Exp(Mu + Sigma * rng.NextGaussian()));
        var size = value >= long.MaxValue ? long.MaxValue : (long)value;
        return _max is { } max && size > max ? max : size;
    }
}
