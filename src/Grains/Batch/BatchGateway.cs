using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ObjectStore.Grains.Batch;

/// <summary>How the HTTP layer runs a batch: through this silo's <see cref="IBatchGatewayGrain"/> pool.</summary>
public static class BatchGateway
{
    /// <summary>The pool's grain key: one pool per silo.</summary>
    public const string PoolKey = "local";

    /// <summary>
    /// Runs one batch on the local pool of <paramref name="grains"/> (a silo's factory), registered in the silo's
    /// <paramref name="sessions"/>: results in completion order with their indices; <c>AtCapacityException</c> (before
    /// <paramref name="input"/> is read) when no window is free. Stopping early (dispose or
    /// <paramref name="cancellationToken"/>) stops the batch pulling input; operations already started still finish and
    /// return their permits.
    /// </summary>
    public static async IAsyncEnumerable<BatchResult> RunAsync(
        IGrainFactory grains,
        BatchSessions sessions,
        IAsyncEnumerable<BatchItem> input,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(sessions);
        // Capacity 1: the grain runs at most one result ahead of the reader; the executor's window bounds the rest.
        var results = Channel.CreateBounded<BatchResult>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var session = sessions.Open(input, results.Writer, stop.Token);
        var call = grains.GetGrain<IBatchGatewayGrain>(PoolKey).Execute(session.Id, stop.Token);
        // A call that fails before or outside the grain (deadline, silo stopping) must still end the results.
        _ = call.ContinueWith(
            static (task, writer) => ((ChannelWriter<BatchResult>)writer!).TryComplete(
                task.Exception?.InnerException ?? (task.IsCanceled ? new OperationCanceledException("The batch call was cancelled.") : null)),
            results.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return result;
        }
        finally
        {
            stop.Cancel();
        }
    }
}
