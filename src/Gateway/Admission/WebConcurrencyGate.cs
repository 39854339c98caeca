namespace ObjectStore.Gateway.Admission;

/// <summary>
/// The web concurrency gate (api doc §10.5): a request is admitted only while fewer than
/// <c>http.max_requests</c> non-internal requests are in flight (the one being checked not counted);
/// otherwise 503 with an empty body. Internal endpoints bypass it and are not counted.
/// </summary>
internal sealed class WebConcurrencyGate(int maxRequests)
{
    private int _inFlight;

    /// <summary><c>http.max_requests</c>, the <c>objectstore_requests_limit</c> gauge.</summary>
    public int Limit => maxRequests;

    /// <summary>Admitted requests whose responses have not finished (<c>objectstore_requests_in_flight</c>).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True for <c>/health</c>, <c>/ready</c>, <c>/keda</c> and <c>/debug/…</c>, which bypass every admission check.</summary>
    public static bool IsInternalPath(string path) =>
        path is "/health" or "/ready" or "/keda" || path.StartsWith("/debug/", StringComparison.Ordinal);

    /// <summary>Counts the request in when below the limit; pair every success with <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= maxRequests) return false;
            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current) return true;
        }
    }

    /// <summary>The admitted request's response finished.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
