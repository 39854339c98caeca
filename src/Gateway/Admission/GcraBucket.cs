namespace ObjectStore.Gateway.Admission;

/// <summary>
/// A debt-based GCRA bandwidth bucket. It keeps a theoretical arrival time (TAT, in
/// <see cref="TimeProvider"/> timestamp units): admission iff <c>TAT ≤ now + burst</c>; consuming n bytes
/// sets <c>TAT = max(TAT, now) + n / rate</c>. Lock-free: one compare-and-swap on a long.
/// </summary>
internal sealed class GcraBucket(double bytesPerSecond, TimeProvider time)
{
    private long _tat = long.MinValue;

    /// <summary>The bucket's rate.</summary>
    public double BytesPerSecond => bytesPerSecond;

    /// <summary>True when the bucket's debt is within <paramref name="burst"/> of <paramref name="now"/>.</summary>
    public bool Admits(long now, long burst) => Volatile.Read(ref _tat) <= now + burst;

    /// <summary>Charges <paramref name="bytes"/> at <paramref name="now"/>.</summary>
    public void Consume(long now, long bytes)
    {
        if (bytes <= 0) return;
        var cost = bytesPerSecond <= 0 ? long.MaxValue / 4 : (long)Math.Min(bytes * (double)time.TimestampFrequency / bytesPerSecond, long.MaxValue / 4);
        while (true)
        {
            var tat = Volatile.Read(ref _tat);
            var start = Math.Max(tat, now);
            var next = start > long.MaxValue - cost ? long.MaxValue : start + cost;
            if (Interlocked.CompareExchange(ref _tat, next, tat) == tat) return;
        }
    }
}
