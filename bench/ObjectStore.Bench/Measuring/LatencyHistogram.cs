using System.Diagnostics;
using System.Numerics;

namespace ObjectStore.Bench.Measuring;

/// <summary>
/// A log-bucket latency histogram in the manner of HdrHistogram: values below 64 ticks are exact, above that each
/// power of two is split into 32 sub-buckets (relative error at most 1/32, about 3 %). One per worker, written by
/// that worker only (no locks, no allocation on the hot path); merged after the run. Percentiles report the
/// upper edge of their bucket, so they never understate; the maximum is exact.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;
    private const int SubBuckets = 1 << SubBucketBits;            // 32
    private const int Linear = SubBuckets * 2;                    // values 0..63 are exact
    private const int Buckets = Linear + (63 - SubBucketBits) * SubBuckets;

    private readonly long[] _counts = new long[Buckets];

    /// <summary>Recorded values.</summary>
    public long Count { get; private set; }

    /// <summary>The largest recorded value, in Stopwatch ticks.</summary>
    public long Max { get; private set; }

    /// <summary>The sum of the recorded values.</summary>
    public long Sum { get; private set; }

    /// <summary>The mean of the recorded values; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    /// <summary>Records one latency in Stopwatch ticks.</summary>
    public void Record(long ticks)
    {
        if (ticks < 0) ticks = 0;
        _counts[IndexOf(ticks)]++;
        Count++;
        Sum += ticks;
        if (ticks > Max) Max = ticks;
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < Buckets; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        Sum += other.Sum;
        if (other.Max > Max) Max = other.Max;
    }

    /// <summary>The value at <paramref name="percentile"/> (0–100) in Stopwatch ticks; 0 when empty.</summary>
    public long ValueAt(double percentile)
    {
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(percentile / 100 * Count);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperEdge(i), Max);
        }
        return Max;
    }

    /// <summary>Converts Stopwatch ticks to microseconds.</summary>
    public static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    private static int IndexOf(long value)
    {
        if (value < Linear) return (int)value;
        var shift = BitOperations.Log2((ulong)value) - SubBucketBits;   // >= 1
        var mantissa = (int)(value >> shift);                          // 32..63
        return Linear + (shift - 1) * SubBuckets + (mantissa - SubBuckets);
    }

    private static long UpperEdge(int index)
    {
        if (index < Linear) return index;
        var shift = (index - Linear) / SubBuckets + 1;
        var mantissa = (index - Linear) % SubBuckets + SubBuckets;
        return ((long)(mantissa + 1) << shift) - 1;
    }
}
