using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ObjectStore.Grains.Batch;

/// <summary>
/// The silo-local hand-off between the HTTP layer and its <see cref="IBatchGatewayGrain"/> pool. A batch's input (the
/// lazily parsed request body) and its result channel are live objects that no grain call can carry — Orleans copies or
/// serializes every argument — so they stay here under a fresh id, and only the id crosses the call. The pool is a
/// stateless worker, always activated on the calling silo, so the grain finds the session in the same registry.
/// The caller's stop travels the same way: Orleans sends a call's cancellation to the stateless-worker pool, not to
/// the worker running the call, so the grain call's own token never fires for a caller that went away.
/// </summary>
public sealed class BatchSessions
{
    private readonly ConcurrentDictionary<Guid, BatchSession> _open = new();

    /// <summary>Batches currently registered.</summary>
    public int Count => _open.Count;

    /// <summary>Registers a batch that stops when <paramref name="stopped"/> fires; dispose the session to remove it.</summary>
    public BatchSession Open(IAsyncEnumerable<BatchItem> input, ChannelWriter<BatchResult> output, CancellationToken stopped = default)
    {
        var session = new BatchSession(this, Guid.NewGuid(), input, output, stopped);
        _open[session.Id] = session;
        return session;
    }

    /// <summary>The session registered under <paramref name="id"/> on this silo.</summary>
    /// <exception cref="InvalidOperationException">None is: the caller is on another silo or process, or the batch ended.</exception>
    public BatchSession Get(Guid id) =>
        _open.TryGetValue(id, out var session)
            ? session
            : throw new InvalidOperationException($"batch {id} is not open on this silo: the batch gateway runs only the batches of the silo that received them (POST /v1/objects/{{usecase}}/{{scopes}}/ with the batch header)");

    internal void Remove(Guid id) => _open.TryRemove(id, out _);
}

/// <summary>One registered batch: its input and where its results go.</summary>
public sealed class BatchSession : IDisposable
{
    private readonly BatchSessions _owner;

    internal BatchSession(BatchSessions owner, Guid id, IAsyncEnumerable<BatchItem> input, ChannelWriter<BatchResult> output, CancellationToken stopped)
    {
        _owner = owner;
        Id = id;
        Input = input;
        Output = output;
        Stopped = stopped;
    }

    /// <summary>The id the grain call carries.</summary>
    public Guid Id { get; }

    /// <summary>The operations, pulled lazily.</summary>
    public IAsyncEnumerable<BatchItem> Input { get; }

    /// <summary>Where results go, in completion order; completed (with the batch's error when it failed as a whole) at the end.</summary>
    public ChannelWriter<BatchResult> Output { get; }

    /// <summary>Fires when the caller stopped reading: the batch pulls no more input.</summary>
    public CancellationToken Stopped { get; }

    /// <summary>Unregisters the batch.</summary>
    public void Dispose() => _owner.Remove(Id);
}
