namespace ObjectStore.Gateway.Diagnostics;

/// <summary>A request feature counting the body bytes read so far (for <c>objectstore.server.bytes</c> and <c>put.size</c>).</summary>
internal sealed class RequestBytes
{
    private long _count;

    /// <summary>Bytes read.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Adds <paramref name="bytes"/> read.</summary>
    public void Add(long bytes) => Interlocked.Add(ref _count, bytes);
}
