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
/// declaring a dead silo (docs/orleans.md); after that the last error surfaces and the gateway maps it to 503. Each
/// attempt carries a <see cref="CallDeadline"/>, so an earlier attempt held by a hung silo cannot land after a later one.
/// </summary>
public static class Failover
{
    private static readonly ResiliencePipeline Pipeline = Retrying(8);

    // About 30 s: long enough for a lone survivor to see two of three silos declared dead (about 13 s measured).
    private static readonly ResiliencePipeline PatientPipeline = Retrying(32);

    private static ResiliencePipeline Retrying(int attempts) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<OrleansMessageRejectionException>().Handle<SiloUnavailableException>(),
            MaxRetryAttempts = attempts,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>Runs <paramref name="call"/> on the grain of <paramref name="state"/>'s key, again after a failover error.</summary>
    public static ValueTask<TResult> RunAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state,
        CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(static (s, ct) => CallDeadline.RunAsync(s.call, s.state, ct), (call, state), cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{TResult, TState}"/>, retrying for about 30 s instead of 5: for a call whose failure throws away
    /// work the caller cannot cheaply redo (a large write's commit after its whole body was uploaded).
    /// </summary>
    public static ValueTask<TResult> RunPatientlyAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state,
        CancellationToken cancellationToken) =>
        PatientPipeline.ExecuteAsync(static (s, ct) => CallDeadline.RunAsync(s.call, s.state, ct), (call, state), cancellationToken);

    /// <summary>Runs <paramref name="call"/>, again after a failover error.</summary>
    public static ValueTask RunAsync<TState>(Func<TState, CancellationToken, ValueTask> call, TState state, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(static (s, ct) => CallDeadline.RunAsync(s.call, s.state, ct), (call, state), cancellationToken);
}
