using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Reads a long byte range of an S3 object as consecutive ranged GETs of one chunk each, keeping
/// up to <c>window</c> of them in flight ahead of the reader so the network pipeline stays full.
/// Each chunk lands in a part buffer returned once consumed, so memory stays at window × chunk
/// whatever the range. Dispose cancels the outstanding fetches.
/// </summary>
internal sealed class S3ReadAheadStream : ReadOnlyStream
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _key;
    private readonly long _start;
    private readonly long _length;
    private readonly PartBuffers _buffers;
    private readonly int _chunkSize;
    private readonly int _window;
    private readonly Queue<Task<byte[]>> _fetches = new();
    private readonly CancellationTokenSource _disposed = new();
    private long _scheduled;
    private long _delivered;
    private byte[]? _current;
    private int _currentCount;
    private int _currentOffset;

    public S3ReadAheadStream(IAmazonS3 client, string bucket, string key, long start, long length, PartBuffers buffers, int window)
    {
        _client = client;
        _bucket = bucket;
        _key = key;
        _start = start;
        _length = length;
        _buffers = buffers;
        _chunkSize = buffers.Size;
        _window = window;
        Schedule();
    }

    public override long Length => _length;
    public override long Position { get => _delivered; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        if (_current is null || _currentOffset == _currentCount)
        {
            ReturnCurrent();
            if (!_fetches.TryDequeue(out var next)) return 0;
            _current = await next.WaitAsync(cancellationToken);
            _currentCount = ChunkLength(_delivered);
            _currentOffset = 0;
            Schedule();
        }
        var n = Math.Min(buffer.Length, _currentCount - _currentOffset);
        _current.AsMemory(_currentOffset, n).CopyTo(buffer);
        _currentOffset += n;
        _delivered += n;
        return n;
    }

    /// <summary>Keeps the window full: fetches in flight plus the chunk being consumed never exceed it.</summary>
    private void Schedule()
    {
        while (_scheduled < _length && _fetches.Count + (_current is null ? 0 : 1) < _window)
        {
            var offset = _scheduled;
            _fetches.Enqueue(FetchAsync(offset, ChunkLength(offset), _disposed.Token));
            _scheduled += ChunkLength(offset);
        }
    }

    private int ChunkLength(long offset) => (int)Math.Min(_chunkSize, _length - offset);

    private async Task<byte[]> FetchAsync(long offset, int count, CancellationToken cancellationToken)
    {
        var buffer = _buffers.Rent();
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket, Key = _key, ByteRange = new ByteRange(_start + offset, _start + offset + count - 1),
            }, cancellationToken);
            await response.ResponseStream.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken);
            return buffer;
        }
        catch
        {
            _buffers.Return(buffer);
            throw;
        }
    }

    private void ReturnCurrent()
    {
        if (_current is null) return;
        _buffers.Return(_current);
        _current = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        await _disposed.CancelAsync();
        while (_fetches.TryDequeue(out var fetch))
        {
            try
            {
                _buffers.Return(await fetch);
            }
            catch
            {
                // Cancelled or failed fetches returned their own buffers.
            }
        }
        ReturnCurrent();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
