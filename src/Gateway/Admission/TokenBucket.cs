namespace ObjectStore.Gateway.Admission;

/// <summary>
/// A throughput token bucket: capacity <c>rate + burst</c>, starts full, refills <c>rate</c> tokens per
/// second but only once at least one whole token has accrued (the clock mark stays put until then, so
/// slow trickles are not lost), one token per admitted request. Capacity is at least one token, so a
/// pct-derived rate below 1 rps (2 rps × 10 %) still admits one request every 1/rate seconds.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _capacity;
    private double _tokens;
    private long _mark;

    public TokenBucket(double ratePerSecond, double burst, TimeProvider time)
    {
        _rate = ratePerSecond;
        _capacity = Math.Max(1, ratePerSecond + burst);
        _tokens = _capacity;
        _time = time;
        _mark = time.GetTimestamp();
    }

    /// <summary>Takes one token when available.</summary>
    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var gained = (now - _mark) * _rate / _time.TimestampFrequency;
            if (gained >= 1)
            {
                _tokens = Math.Min(_capacity, _tokens + gained);
                _mark = now;
            }
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
