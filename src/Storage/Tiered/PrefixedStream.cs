namespace ObjectStore.Storage.Tiered;

/// <summary>
/// The already buffered head of a body (the bytes read to decide the tier) followed by the rest of it, read once without
/// further buffering; counts the bytes read and reports each
/// read to <paramref name="onRead"/> (bandwidth is charged as bodies stream).
/// </summary>
public sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest, Action<int>? onRead = null) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    /// <summary>Bytes handed out so far (prefix included).</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = TakePrefix(buffer);
        if (read == 0) read = rest.Read(buffer);
        return Count(read);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = TakePrefix(buffer.Span);
        if (read == 0) read = await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        BytesRead += read;
        if (read > 0) onRead?.Invoke(read);
        return read;
    }

    private int TakePrefix(Span<byte> buffer)
    {
        if (_prefix.IsEmpty || buffer.IsEmpty) return 0;
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}
