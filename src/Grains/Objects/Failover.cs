using Polly;
using Polly.Retry;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// Runs an object-grain call again when the cluster turned it away while an owner silo was leaving or had died: a
/// rejected call (<see cref="OrleansMessageRejectionException"/>, e.g. "Silo stopping" during a graceful shutdown)
/// never ran and also invalidated the caller's directory entry, so the next attempt reaches the key's new activation;
/// a call whose target silo became unavailable (<see cref="SiloUnavailableException"/>) may have run, so only the
/// object operations whose repetition has the same effect go through here (put inline, begin/abort of a large write,
/// get, head, delete, multipart initiate and complete). The attempts span about five seconds, which covers membership
/// declaring a dead silo (docs/orleans.md); after that the last error surfaces and the gateway maps it to 503.
/// </summary>
public static class Failover
{
    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<OrleansMessageRejectionException>().Handle<SiloUnavailableException>(),
            MaxRetryAttempts = 8,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>Runs <paramref name="call"/> on the grain of <paramref name="state"/>'s key, again after a failover error.</summary>
    public static ValueTask<TResult> RunAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state,
        CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(call, state, cancellationToken);

    /// <summary>Runs <paramref name="call"/>, again after a failover error.</summary>
    public static ValueTask RunAsync<TState>(Func<TState, CancellationToken, ValueTask> call, TState state, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(call, state, cancellationToken);
}
