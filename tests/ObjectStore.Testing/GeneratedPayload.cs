using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ObjectStore.Testing;

/// <summary>
/// A read-only stream of <see cref="Length"/> pseudo-random bytes made on the fly (xorshift64*), hashing what it hands
/// out: a multi-GiB upload body that a test or the bench never holds in memory. <paramref name="onRead"/>, when given,
/// sees the running total after every read (progress, or cancelling a transfer mid-way).
/// </summary>
public sealed class GeneratedPayload(long length, ulong seed = 1, Action<long>? onRead = null) : SequentialBody
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
    private byte[]? _finalHash;

    /// <summary>The SHA-256 of the payload, once it was read to its end (still there after the HTTP client disposed the stream).</summary>
    public byte[] Hash() => _finalHash ?? throw new InvalidOperationException("the payload was not read to its end");

    /// <summary>The SHA-256 of the whole payload of <paramref name="length"/> and <paramref name="seed"/>, computed without storing it.</summary>
    public static byte[] HashOf(long length, ulong seed)
    {
        using var payload = new GeneratedPayload(length, seed);
        var buffer = new byte[1 << 20];
        while (payload.Read(buffer) > 0) { }
        return payload.Hash();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - Consumed) & ~7;
        if (n == 0 && Consumed < length) n = (int)Math.Min(buffer.Length, length - Consumed);
        var words = n / 8;
        for (var i = 0; i < words; i++)
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.Slice(i * 8, 8), _state * 0x2545F4914F6CDD1DUL);
        }
        for (var i = words * 8; i < n; i++) buffer[i] = (byte)i; // only the last < 8 bytes of a payload
        _hash.AppendData(buffer[..n]);
        Consumed += n;
        if (Consumed == length) _finalHash ??= _hash.GetCurrentHash();
        onRead?.Invoke(Consumed);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Read(buffer.Span));
    }

    public override long Length => length;

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>SHA-256 and length of a stream read to its end in 1 MiB reads (what came back of a payload).</summary>
    public static async Task<(byte[] Hash, long Length)> HashAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }
        return (hash.GetCurrentHash(), total);
    }
}
