using System.Runtime.ExceptionServices;
using Amazon.S3.Model;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// The parts of one S3 multipart upload in flight: at most <c>parallelParts</c> at a time, each holding a slot (and,
/// when it uploads from memory, a part buffer) until it finishes. The producer takes a slot before it fills a buffer or
/// starts a copy, so memory stays at parallelParts buffers whatever the object size. The first part to fail cancels
/// <see cref="Token"/>, which stops the producer and the other parts; <see cref="FailAsync"/> then waits for every part
/// and reports that part's error rather than the cancellation it caused.
/// </summary>
internal sealed class S3PartUploads(PartBuffers buffers, int parallelParts, CancellationToken cancellationToken) : IDisposable
{
    private readonly CancellationTokenSource _failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    private readonly SemaphoreSlim _slots = new(parallelParts);
    private readonly List<PartETag> _etags = [];
    private readonly List<Task> _parts = [];

    /// <summary>Cancelled by the caller or by the first failed part.</summary>
    public CancellationToken Token => _failed.Token;

    /// <summary>How many parts were started.</summary>
    public int Started => _parts.Count;

    /// <summary>Waits for a free slot; the caller then passes it to <see cref="Start"/> or gives it back with <see cref="Release"/>.</summary>
    public Task WaitForSlotAsync() => _slots.WaitAsync(_failed.Token);

    /// <summary>Takes the slot the producer already holds without waiting (the first part, filled before the upload existed).</summary>
    public void TakeSlot()
    {
        if (!_slots.Wait(0)) throw new InvalidOperationException("no free part slot");
    }

    /// <summary>Gives back a slot taken for a part that is not started, and its buffer, if any.</summary>
    public void Release(byte[]? buffer)
    {
        if (buffer is not null) buffers.Return(buffer);
        _slots.Release();
    }

    /// <summary>Runs part <paramref name="partNumber"/> in the background on the slot the caller holds; <paramref name="buffer"/> is returned when it ends.</summary>
    public void Start(int partNumber, byte[]? buffer, Func<CancellationToken, Task<string>> upload) => _parts.Add(RunAsync(partNumber, buffer, upload));

    private async Task RunAsync(int partNumber, byte[]? buffer, Func<CancellationToken, Task<string>> upload)
    {
        // The request's synchronous start (marshalling, signing) runs on the pool, not on the producer reading the next part.
        await Task.Yield();
        try
        {
            var etag = await upload(_failed.Token);
            lock (_etags) _etags.Add(new PartETag(partNumber, etag));
        }
        catch
        {
            await _failed.CancelAsync(); // stop the producer and the other parts at once
            throw;
        }
        finally
        {
            Release(buffer);
        }
    }

    /// <summary>Waits for every part; the etags in part order.</summary>
    public async Task<List<PartETag>> CompletedAsync()
    {
        await Task.WhenAll(_parts);
        _etags.Sort((a, b) => Nullable.Compare(a.PartNumber, b.PartNumber));
        return _etags;
    }

    /// <summary>After <paramref name="error"/>: cancels and waits for every part, then throws the error to report.</summary>
    public async Task FailAsync(Exception error)
    {
        await _failed.CancelAsync();
        try
        {
            await Task.WhenAll(_parts);
        }
        catch
        {
            // Reported below.
        }
        // A failed part cancels the producer: report the part's error, not the cancellation it caused.
        if (error is OperationCanceledException && !cancellationToken.IsCancellationRequested &&
            _parts.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } partFailure)
            ExceptionDispatchInfo.Throw(partFailure);
        ExceptionDispatchInfo.Throw(error);
    }

    public void Dispose()
    {
        _failed.Dispose();
        _slots.Dispose();
    }
}
