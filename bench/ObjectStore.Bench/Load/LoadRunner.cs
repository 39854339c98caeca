namespace ObjectStore.Bench.Load;

/// <summary>Runs one workload against one target and measures it.</summary>
public static class LoadRunner
{
    /// <summary>Prefills, runs <paramref name="spec"/> for its duration, cleans up, and returns the figures; progress lines go to <paramref name="progress"/>.</summary>
    public static Task<LoadResult> RunAsync(LoadSpec spec, ILoadTarget target, TextWriter progress, CancellationToken ct) =>
        throw new NotImplementedException();
}
