using System.Collections.Concurrent;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Exactly-sized part buffers for one S3 store, keeping at most <c>retain</c> idle ones. Unlike
/// ArrayPool.Shared it neither rounds 5 MiB up to 8 MiB nor parks buffers per thread, so the
/// memory held is what the options say: in-flight parts plus at most <c>retain</c> idle buffers.
/// </summary>
internal sealed class PartBuffers(int size, int retain)
{
    private readonly ConcurrentQueue<byte[]> _idle = new();

    public int Size => size;

    public byte[] Rent() => _idle.TryDequeue(out var buffer) ? buffer : new byte[size];

    public void Return(byte[] buffer)
    {
        // Racy count check: at worst a few extra idle buffers for a moment; the bound holds loosely, never grows.
        if (buffer.Length == size && _idle.Count < retain) _idle.Enqueue(buffer);
    }
}
