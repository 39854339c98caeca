using System.Runtime.InteropServices;

namespace ObjectStore.Client.Http;

/// <summary>Where an upload's bytes come from; replayable sources can be sent again by a retry.</summary>
internal abstract class PayloadSource
{
    /// <summary>The payload size when known up front.</summary>
    public abstract long? Length { get; }

    /// <summary>True when <see cref="Open"/> can be called again for a retry.</summary>
    public abstract bool Replayable { get; }

    /// <summary>True when the bytes are in memory, so sending them is quick enough to put under a timeout.</summary>
    public virtual bool InMemory => false;

    /// <summary>A stream of the payload from its start; the caller disposes it.</summary>
    public abstract Stream Open();

    public static PayloadSource FromMemory(ReadOnlyMemory<byte> payload) => new MemorySource(payload);

    public static PayloadSource FromFile(string path) => new FileSource(path);

    public static PayloadSource FromStream(Stream stream) => new StreamSource(stream);

    private sealed class MemorySource(ReadOnlyMemory<byte> payload) : PayloadSource
    {
        public override long? Length => payload.Length;

        public override bool InMemory => true;

        public override bool Replayable => true;

        // Payloads from byte arrays (the usual case) are read in place; other memory is copied once.
        public override Stream Open() => MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
    }

    private sealed class FileSource(string path) : PayloadSource
    {
        private readonly long _length = new FileInfo(path).Length;

        public override long? Length => _length;

        public override bool Replayable => true;

        public override Stream Open() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    /// <summary>A caller's stream: replayable only when seekable (we rewind to where it started); never disposed by us.</summary>
    private sealed class StreamSource(Stream stream) : PayloadSource
    {
        private readonly long? _start = stream.CanSeek ? stream.Position : null;

        public override long? Length => _start is { } start ? stream.Length - start : null;

        public override bool Replayable => _start is not null;

        public override Stream Open()
        {
            if (_start is { } start) stream.Position = start;
            return new NonClosingStream(stream);
        }
    }
}

/// <summary>Passes reads through and leaves the inner stream open on dispose: the caller's stream stays theirs.</summary>
internal sealed class NonClosingStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
