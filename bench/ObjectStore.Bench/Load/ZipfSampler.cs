namespace ObjectStore.Bench.Load;

/// <summary>
/// Zipf(n, s = 2) ranks (1 = most likely) by rejection from the unbounded zeta(2) distribution (Devroye's
/// algorithm), so the pool size may change between draws without any precomputed table.
/// </summary>
internal static class ZipfSampler
{
    /// <summary>A rank in 1..<paramref name="n"/> with P(k) ∝ 1/k².</summary>
    public static int Sample(Rng rng, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (n == 1) return 1;
        // For s = 2: b = 2, X = floor(1/U), accept when V·X·(T − 1) ≤ T / 2 with T = 1 + 1/X.
        while (true)
        {
            var u = 1.0 - rng.NextDouble();
            var v = rng.NextDouble();
            var x = Math.Floor(1.0 / u);
            if (x > n) continue;
            var t = 1.0 + 1.0 / x;
            if (v * x * (t - 1.0) <= t / 2.0) return (int)x;
        }
    }
}
