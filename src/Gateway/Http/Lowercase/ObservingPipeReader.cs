using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;

namespace ObjectStore.Gateway.Http.Lowercase;

/// <summary>
/// The connection's input, unchanged, with every consumed byte shown to a request framer so the
/// response side learns which requests were HEAD. Bytes are observed when consumed
/// (<see cref="AdvanceTo(SequencePosition, SequencePosition)"/>), so each is seen exactly once.
/// </summary>
internal sealed class ObservingPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly Http1MessageFramer _framer;
    private ReadOnlySequence<byte> _lastBuffer;

    /// <summary>Wraps <paramref name="inner"/>, feeding consumed bytes to <paramref name="framer"/>.</summary>
    public ObservingPipeReader(PipeReader inner, Http1MessageFramer framer)
    {
        _inner = inner;
        _framer = framer;
    }

    /// <inheritdoc />
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var pending = _inner.ReadAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            _lastBuffer = result.Buffer;
            return new ValueTask<ReadResult>(result);
        }
        return Remember(pending);
    }

    private async ValueTask<ReadResult> Remember(ValueTask<ReadResult> pending)
    {
        var result = await pending.ConfigureAwait(false);
        _lastBuffer = result.Buffer;
        return result;
    }

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result)) return false;
        _lastBuffer = result.Buffer;
        return true;
    }

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (!_framer.IsOpaque && !_lastBuffer.IsEmpty)
        {
            // The framer never writes to request bytes (it only rewrites responses).
            foreach (var segment in _lastBuffer.Slice(_lastBuffer.Start, consumed))
                _framer.Process(MemoryMarshal.AsMemory(segment).Span);
        }
        _lastBuffer = default;
        _inner.AdvanceTo(consumed, examined);
    }

    /// <inheritdoc />
    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    /// <inheritdoc />
    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);
}
