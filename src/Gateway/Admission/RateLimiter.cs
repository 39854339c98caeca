using System.Collections.Concurrent;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Admission;

/// <summary>
/// Request admission by rate (api doc §10.4): bandwidth buckets first, then throughput buckets; the
/// first failing bucket rejects with 429 <see cref="RejectionText"/>. Tokens already taken from earlier
/// throughput buckets are not refunded. Bytes are charged as they stream through <see cref="RecordBytes"/>.
/// </summary>
internal sealed class RateLimiter
{
    /// <summary>The plain-text 429 body.</summary>
    public const string RejectionText = "Object access is rate limited";

    private readonly ThroughputOptions _throughput;
    private readonly BandwidthOptions _bandwidth;
    private readonly TimeProvider _time;
    private readonly TokenBucket? _globalTokens;
    private readonly ConcurrentDictionary<string, TokenBucket> _usecaseTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Scopes, TokenBucket> _scopeTokens = new();
    private readonly (ThroughputRule Rule, TokenBucket Bucket)[] _ruleTokens;
    private readonly GcraBucket? _globalBytes;
    private readonly ConcurrentDictionary<string, GcraBucket> _usecaseBytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Scopes, GcraBucket> _scopeBytes = new();
    private readonly long _burst;
    private long _requestsTotal;
    private long _bytesTotal;

    public RateLimiter(RateLimitOptions options, TimeProvider time)
    {
        _throughput = options.Throughput;
        _bandwidth = options.Bandwidth;
        _time = time;
        if (_throughput.GlobalRps is { } rps) _globalTokens = new TokenBucket(rps, _throughput.Burst, time);
        _ruleTokens = _throughput.Rules
            .Select(r => (Rule: r, Rate: r.EffectiveRps(_throughput.GlobalRps)))
            .Where(r => r.Rate is not null)
            .Select(r => (r.Rule, new TokenBucket(r.Rate!.Value, _throughput.Burst, time)))
            .ToArray();
        if (_bandwidth.GlobalBps is { } bps) _globalBytes = new GcraBucket(bps, time);
        _burst = _bandwidth.BurstMs * time.TimestampFrequency / 1000;
    }

    /// <summary>Requests admitted by the throughput limiter since start (<c>objectstore_requests_total</c>).</summary>
    public long RequestsTotal => Interlocked.Read(ref _requestsTotal);

    /// <summary>All metered bytes since start (<c>objectstore_bytes_total</c>).</summary>
    public long BytesTotal => Interlocked.Read(ref _bytesTotal);

    /// <summary>The configured <c>global_rps</c>, for the <c>/keda</c> gauge.</summary>
    public double? ThroughputLimit => _throughput.GlobalRps;

    /// <summary>The configured <c>global_bps</c>, for the <c>/keda</c> gauge.</summary>
    public double? BandwidthLimit => _bandwidth.GlobalBps;

    /// <summary>Admits one request (or one batch operation); false → 429.</summary>
    public bool TryAdmit(string usecase, Scopes scopes) => BandwidthAdmits(usecase, scopes) && ThroughputAdmits(usecase, scopes);

    /// <summary>Charges streamed bytes to the global, usecase and scope bandwidth buckets (created lazily).</summary>
    public void RecordBytes(string usecase, Scopes scopes, long bytes)
    {
        if (bytes <= 0) return;
        Interlocked.Add(ref _bytesTotal, bytes);
        if (_globalBytes is null) return;
        var now = _time.GetTimestamp();
        _globalBytes.Consume(now, bytes);
        if (_bandwidth.UsecasePct is { } up)
            _usecaseBytes.GetOrAdd(usecase, static (_, s) => new GcraBucket(s.Rate, s.Time), (Rate: _globalBytes.BytesPerSecond * up / 100, Time: _time)).Consume(now, bytes);
        if (_bandwidth.ScopePct is { } sp)
            _scopeBytes.GetOrAdd(scopes, static (_, s) => new GcraBucket(s.Rate, s.Time), (Rate: _globalBytes.BytesPerSecond * sp / 100, Time: _time)).Consume(now, bytes);
    }

    private bool BandwidthAdmits(string usecase, Scopes scopes)
    {
        if (_globalBytes is null || _bandwidth.ReportOnly) return true;
        var now = _time.GetTimestamp();
        if (!_globalBytes.Admits(now, _burst)) return false;
        if (_usecaseBytes.TryGetValue(usecase, out var u) && !u.Admits(now, _burst)) return false;
        if (_scopeBytes.TryGetValue(scopes, out var s) && !s.Admits(now, _burst)) return false;
        return true;
    }

    private bool ThroughputAdmits(string usecase, Scopes scopes)
    {
        if (_globalTokens is { } global)
        {
            if (!global.TryTake()) return false;
            var rate = _throughput.GlobalRps!.Value;
            if (_throughput.UsecasePct is { } up && !_usecaseTokens.GetOrAdd(usecase, NewBucket, rate * up / 100).TryTake()) return false;
            if (_throughput.ScopePct is { } sp && !_scopeTokens.GetOrAdd(scopes, NewBucket, rate * sp / 100).TryTake()) return false;
        }
        foreach (var (rule, bucket) in _ruleTokens)
            if (RuleMatches(rule, usecase, scopes) && !bucket.TryTake()) return false;
        Interlocked.Increment(ref _requestsTotal);
        return true;
    }

    private TokenBucket NewBucket<TKey>(TKey _, double rate) => new(rate, _throughput.Burst, _time);

    private static bool RuleMatches(ThroughputRule rule, string usecase, Scopes scopes) =>
        (rule.Usecase is null || rule.Usecase == usecase) && ScopeConditions.AllPresent(scopes, rule.Scopes);
}
