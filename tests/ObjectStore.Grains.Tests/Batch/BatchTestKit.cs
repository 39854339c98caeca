using System.Collections.Concurrent;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Batch;

/// <summary>Inputs, runners and waits shared by the batch tests.</summary>
internal static class BatchTestKit
{
    public static ServiceConcurrencyLimiter Limiter(int permits) =>
        new(new ServiceLimitOptions { MaxConcurrency = permits }, TimeProvider.System);

    public static ObjectId Id(string key) => new("batch-tests", Scopes.Empty, key);

    public static BatchOperation Get(int index, string key) => BatchOperation.Get(index, Id(key));

    public static IEnumerable<BatchItem> Gets(int count) => Enumerable.Range(0, count).Select(i => (BatchItem)Get(i, $"k{i}"));

    public static async Task<List<BatchResult>> ReadAllAsync(IAsyncEnumerable<BatchResult> results)
    {
        var list = new List<BatchResult>();
        await foreach (var result in results) list.Add(result);
        return list;
    }

    /// <summary>Polls <paramref name="condition"/> until true, failing after 10 s.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached: {what}");
            await Task.Delay(2);
        }
    }
}

/// <summary>An input that records whether it was touched and how many items were pulled from it.</summary>
internal sealed class TrackedInput(IEnumerable<BatchItem> items, Exception? failAtEnd = null) : IAsyncEnumerable<BatchItem>
{
    private int _pulled;
    private CancellationToken _token;

    public bool Touched { get; private set; }

    public int Pulled => Volatile.Read(ref _pulled);

    /// <summary>True once the token the input is being enumerated with fired: its reader stopped pulling.</summary>
    public bool Stopped => _token.IsCancellationRequested;

    public async IAsyncEnumerator<BatchItem> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        Touched = true;
        _token = cancellationToken;
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            Interlocked.Increment(ref _pulled);
            yield return item;
        }
        if (failAtEnd is not null) throw failAtEnd;
    }
}

/// <summary>
/// A backend whose operations wait for their index's gate (or answer 200 at once when the index has none), counting
/// how many run at once.
/// </summary>
internal sealed class PausingRunner : IBatchOperationRunner
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _gates = new();
    private readonly ConcurrentBag<int> _started = [];
    private int _running;
    private int _maxRunning;
    private int _finished;

    public PausingRunner(IEnumerable<int> paused)
    {
        foreach (var index in paused) _gates[index] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Pauses every index below <paramref name="count"/>.</summary>
    public static PausingRunner PausingAll(int count) => new(Enumerable.Range(0, count));

    public int Running => Volatile.Read(ref _running);

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public int Finished => Volatile.Read(ref _finished);

    public IReadOnlyCollection<int> Started => _started;

    public void Release(int index) => _gates[index].TrySetResult();

    public void ReleaseAll()
    {
        foreach (var gate in _gates.Values) gate.TrySetResult();
    }

    public async Task<BatchResult> RunAsync(BatchOperation operation)
    {
        _started.Add(operation.Index);
        var now = Interlocked.Increment(ref _running);
        for (var max = MaxRunning; now > max; max = MaxRunning)
            if (Interlocked.CompareExchange(ref _maxRunning, now, max) == max) break;
        try
        {
            if (_gates.TryGetValue(operation.Index, out var gate)) await gate.Task;
            return BatchResult.Found(operation, new ObjectMetadata(), default);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _finished);
        }
    }
}

/// <summary>A backend answering each operation with a function of it.</summary>
internal sealed class FuncRunner(Func<BatchOperation, Task<BatchResult>> run) : IBatchOperationRunner
{
    public Task<BatchResult> RunAsync(BatchOperation operation) => run(operation);
}

/// <summary>Extensions for reading results one at a time.</summary>
internal static class BatchResultsExtensions
{
    public static async Task<BatchResult> NextAsync(this IAsyncEnumerator<BatchResult> results)
    {
        Assert.True(await results.MoveNextAsync(), "expected another result");
        return results.Current;
    }
}
