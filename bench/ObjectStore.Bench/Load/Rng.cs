namespace ObjectStore.Bench.Load;

/// <summary>xoshiro256** — a fast, seedable PRNG; one per worker, never shared between threads.</summary>
internal sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator seeded from <paramref name="seed"/> through SplitMix64 (so nearby seeds give unrelated streams).</summary>
    public Rng(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>).</summary>
    public int Next(int bound) => (int)(NextUInt64() % (ulong)bound);

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();  // (0, 1]: log stays finite
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>The <paramref name="n"/>-th value derived from <paramref name="seed"/> (object seeds: distinct, reproducible).</summary>
    public static ulong Derive(ulong seed, long n)
    {
        var state = seed * 0xD1B54A32D192ED03UL + (ulong)n;
        return SplitMix(ref state);
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
