namespace ObjectStore.Client.Http;

/// <summary>
/// Reads at most <paramref name="declared"/> bytes of a caller's stream (left open) and fails if it ends sooner, so a
/// declared content-length is never a lie the server has to catch.
/// </summary>
internal sealed class LengthLimitedStream(Stream inner, long declared) : Stream
{
    private readonly long _length = declared;
    private long _remaining = declared;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Counted(_remaining == 0 ? 0 : inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(_remaining == 0 ? 0 : await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Counted(int n)
    {
        if (n == 0 && _remaining > 0) throw new EndOfStreamException($"the stream ended {_remaining} bytes before the declared length {_length}");
        _remaining -= n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
