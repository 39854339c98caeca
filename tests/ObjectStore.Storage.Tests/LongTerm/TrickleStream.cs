using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>An unseekable stream over bytes that hands out at most <c>chunk</c> bytes per read, like a slow network body.</summary>
internal sealed class TrickleStream(byte[] bytes, int chunk) : ReadOnlyStream
{
    private int _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
