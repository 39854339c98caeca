using System.Buffers.Binary;
using System.Security.Cryptography;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>
/// An unseekable, unbuffered source of <c>length</c> pseudo-random bytes (SplitMix64 of the word
/// index, so every position differs), hashing what it hands out. It records the largest read the
/// store asked for and, at intervals, the live managed heap — which
/// would hold the whole payload if the store buffered it.
/// </summary>
internal sealed class GeneratedStream(long length, LiveHeapProbe probe) : ReadOnlyStream
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    public int LargestReadRequest { get; private set; }

    public byte[] Sha256 => _position == length ? _sha.GetCurrentHash() : throw new InvalidOperationException("not read to the end");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        LargestReadRequest = Math.Max(LargestReadRequest, buffer.Length);
        var n = (int)Math.Min(buffer.Length, length - _position);
        Fill(_position, buffer[..n]);
        _sha.AppendData(buffer[..n]);
        _position += n;
        probe.Advance(n);
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    /// <summary>Writes the bytes at <paramref name="position"/>: byte i is byte (i mod 8) of SplitMix64(i / 8).</summary>
    private static void Fill(long position, Span<byte> span)
    {
        Span<byte> word = stackalloc byte[8];
        var i = 0;
        while (i < span.Length)
        {
            var p = position + i;
            var within = (int)(p & 7);
            if (within == 0 && span.Length - i >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[i..], SplitMix64((ulong)(p >> 3)));
                i += 8;
                continue;
            }
            BinaryPrimitives.WriteUInt64LittleEndian(word, SplitMix64((ulong)(p >> 3)));
            var take = Math.Min(8 - within, span.Length - i);
            word.Slice(within, take).CopyTo(span[i..]);
            i += take;
        }
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Reads a stream to its end in 64 KiB reads, hashing it and probing the live heap; returns (bytes, SHA-256).</summary>
    public static async Task<(long Length, byte[] Sha256)> DrainAsync(Stream stream, LiveHeapProbe probe)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            total += n;
            probe.Advance(n);
        }
        return (total, sha.GetHashAndReset());
    }
}

/// <summary>
/// Samples the live managed heap (after a full collection) every <c>interval</c> bytes of payload.
/// <see cref="LargestGrowth"/> — the most it grew over the baseline taken at construction — bounds
/// every buffer held at those moments; a store holding the payload would show it at the last sample.
/// </summary>
internal sealed class LiveHeapProbe(long interval)
{
    private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
    private long _sinceSample;

    public long LargestGrowth { get; private set; }

    public int Samples { get; private set; }

    public void Advance(int bytes)
    {
        _sinceSample += bytes;
        if (_sinceSample < interval) return;
        _sinceSample = 0;
        Samples++;
        LargestGrowth = Math.Max(LargestGrowth, GC.GetTotalMemory(forceFullCollection: true) - _baseline);
    }
}
