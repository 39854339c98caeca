namespace ObjectStore.Testing;

/// <summary>
/// A read-only stream over <paramref name="inner"/> whose first <paramref name="openBytes"/> bytes read at once; the next
/// read waits for <see cref="Open"/>, as a slow upload stalls mid-body. <see cref="Reached"/> completes when a reader
/// arrives at the gate, so a test can act (kill a process, run recovery) while the body is half sent.
/// </summary>
public sealed class GatedStream(Stream inner, long openBytes) : SequentialBody
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completes when a read reaches the gate.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the rest of the body through.</summary>
    public void Open() => _open.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Consumed >= openBytes)
        {
            Reached.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
        }
        else if (Consumed + buffer.Length > openBytes)
        {
            buffer = buffer[..(int)(openBytes - Consumed)];
        }
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Consumed += read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override long Length => inner.Length;

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
