namespace ObjectStore.Grains.Batch;

/// <summary>Tunables of the batch executor, with their defaults.</summary>
public sealed record BatchExecutorOptions
{
    /// <summary>The reference's share: a batch may use a tenth of the permits free when it starts.</summary>
    public const double DefaultWindowFraction = 0.10;

    /// <summary>
    /// Share of the currently free service permits one batch reserves as its window: <c>ceil(free × fraction)</c>,
    /// in (0, 1] (default 0.10).
    /// </summary>
    public double WindowFraction { get; init; } = DefaultWindowFraction;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public BatchExecutorOptions Validate()
    {
        if (!(WindowFraction > 0 && WindowFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(WindowFraction), WindowFraction, "WindowFraction must be in (0, 1].");
        return this;
    }
}
