using System.IO.Pipelines;

namespace ObjectStore.Gateway.Http.Lowercase;

/// <summary>
/// The connection's output with response header names lowercased. Kestrel writes into the inner
/// writer's own memory; on <see cref="Advance"/> the framer rewrites the just-written head bytes in
/// place (lowercasing keeps lengths), so nothing is copied and body bytes are only skipped over.
/// </summary>
internal sealed class LowercasingPipeWriter : PipeWriter
{
    private readonly PipeWriter _inner;
    private readonly Http1MessageFramer _framer;
    private Memory<byte> _lastBuffer;

    /// <summary>Wraps <paramref name="inner"/>, rewriting with <paramref name="framer"/>.</summary>
    public LowercasingPipeWriter(PipeWriter inner, Http1MessageFramer framer)
    {
        _inner = inner;
        _framer = framer;
    }

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => _lastBuffer = _inner.GetMemory(sizeHint);

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => (_lastBuffer = _inner.GetMemory(sizeHint)).Span;

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        if (bytes > _lastBuffer.Length) throw new InvalidOperationException("Advance past the buffer returned by GetMemory/GetSpan.");
        if (bytes > 0 && !_framer.IsOpaque) _framer.Process(_lastBuffer.Span[..bytes]);
        // Writers such as Kestrel's BufferWriter keep writing into the rest of the same buffer and
        // advance again without asking for new memory, so the remainder stays tracked.
        _lastBuffer = _lastBuffer[bytes..];
        _inner.Advance(bytes);
    }

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    /// <inheritdoc />
    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    /// <inheritdoc />
    public override long UnflushedBytes => _inner.UnflushedBytes;
}
