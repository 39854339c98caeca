using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

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
        ValueTask<ReadResult> pending;
        try
        {
            pending = _inner.ReadAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw Aborted(e);
        }
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
        ReadResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Aborted(e);
        }
        _lastBuffer = result.Buffer;
        return result;
    }

    /// <summary>
    /// A reset by the client (the transport's <see cref="ConnectionResetException"/>, an IOException) surfaces as the
    /// abort Kestrel expects: its HTTP/1.1 body reader resets its state only for <see cref="ConnectionAbortedException"/>
    /// and otherwise stays "mid-read", so its drain after the request logs "Reading is already in progress" as an error
    /// for every client that dropped mid-body (dotnet/aspnetcore#17840).
    /// </summary>
    private static ConnectionAbortedException Aborted(IOException e) => new("The client reset the connection.", e);

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        try
        {
            if (!_inner.TryRead(out result)) return false;
        }
        catch (IOException e)
        {
            throw Aborted(e);
        }
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
