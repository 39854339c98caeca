namespace ObjectStore.Grains.Objects;

/// <summary>
/// Fences late mutations. <see cref="Failover"/> repeats an object-grain call after <see cref="SiloUnavailableException"/>,
/// but a silo that was hung (not dead) still holds the first attempt and runs it when it resumes, in the seconds before
/// it reads itself declared dead and exits: a PUT acknowledged through the retry, then overwritten by its own stale first
/// attempt, is a lost write (found by SiloFaultsUnderLoadTests). So every attempt carries a deadline in the request
/// context, and the grain refuses a mutation past it. A silo is declared dead well after the deadline (about 9 s with
/// the default membership tuning, see docs/orleans.md), so a first attempt that the retry overtook is always refused.
/// </summary>
public static class CallDeadline
{
    /// <summary>How long after it was sent an attempt may still start its mutation.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <summary>The request-context key of the deadline (UTC ticks).</summary>
    public const string ContextKey = "objectstore.deadline";

    /// <summary>Runs <paramref name="call"/> with a deadline of now + <see cref="Budget"/> in the request context.</summary>
    public static async ValueTask<TResult> RunAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        using var deadline = Start();
        return await call(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="call"/> with a deadline of now + <see cref="Budget"/> in the request context.</summary>
    public static async ValueTask RunAsync<TState>(Func<TState, CancellationToken, ValueTask> call, TState state, CancellationToken cancellationToken)
    {
        using var deadline = Start();
        await call(state, cancellationToken).ConfigureAwait(false);
    }

    private static RequestContextValue Start() => new(ContextKey, (DateTimeOffset.UtcNow + Budget).UtcTicks);

    /// <summary>Throws <see cref="CallDeadlinePassedException"/> when the current call carries a deadline that passed (wall clock: the deadline crosses processes).</summary>
    public static void Check()
    {
        if (RequestContext.Get(ContextKey) is long ticks && DateTimeOffset.UtcNow.UtcTicks > ticks)
            throw new CallDeadlinePassedException(new DateTimeOffset(ticks, TimeSpan.Zero));
    }
}
