namespace ObjectStore.Gateway.Http.Lowercase;

/// <summary>
/// Hands "was this request a HEAD" from the request side of a connection to the response side:
/// a HEAD response carries framing headers but no body, so the response framer must know.
/// Requests are enqueued when their head is consumed, which Kestrel does before running the app.
/// </summary>
internal sealed class RequestMethodQueue
{
    private readonly Queue<bool> _isHead = new(2);

    /// <summary>Records the next request's method.</summary>
    public void Enqueue(bool isHead)
    {
        lock (_isHead) _isHead.Enqueue(isHead);
    }

    /// <summary>Takes the oldest unanswered request's method; false when none is known.</summary>
    public bool TryDequeue(out bool isHead)
    {
        lock (_isHead) return _isHead.TryDequeue(out isHead);
    }
}
