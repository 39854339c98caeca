namespace ObjectStore.Client.Http;

/// <summary>
/// A read-through stream that counts bytes and reports them, at most every 256 KiB plus once at the end, so a
/// <see cref="Progress{T}"/> posting to a UI thread is not flooded.
/// </summary>
internal sealed class ProgressStream(Stream inner, IProgress<TransferProgress>? progress, long? total, long startAt = 0, bool ownsInner = true) : Stream
{
    private const long ReportEvery = 256 * 1024;
    private long _transferred = startAt;
    private long _lastReported = startAt;
    private bool _finished;

    public long Transferred => _transferred;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => _transferred; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    private int Counted(int n)
    {
        _transferred += n;
        if (progress is null) return n;
        if (n == 0 && !_finished)
        {
            _finished = true;
            progress.Report(new TransferProgress(_transferred, total ?? _transferred));
        }
        else if (_transferred - _lastReported >= ReportEvery)
        {
            _lastReported = _transferred;
            progress.Report(new TransferProgress(_transferred, total));
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (ownsInner) await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
