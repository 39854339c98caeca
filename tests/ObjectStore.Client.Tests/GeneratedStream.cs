using System.Security.Cryptography;

namespace ObjectStore.Client.Tests;

/// <summary>
/// A forward-only stream of <paramref name="length"/> pseudo-random (incompressible) bytes, hashing what it hands out, so
/// large transfers need no memory to check. Optionally calls <paramref name="onRead"/> with the running total.
/// </summary>
internal sealed class GeneratedStream(long length, int seed = 1, Action<long>? onRead = null) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL | 1;
    private long _position;

    public byte[] Hash() => _hash.GetCurrentHash();

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        var chunk = buffer[..n];
        for (var i = 0; i < n; i++)
        {
            // xorshift64: fast and deterministic.
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            chunk[i] = (byte)_state;
        }
        _hash.AppendData(chunk);
        _position += n;
        onRead?.Invoke(_position);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>SHA-256 of a stream read to its end in 1 MiB reads.</summary>
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
