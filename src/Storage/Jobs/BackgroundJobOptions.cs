namespace ObjectStore.Storage.Jobs;

/// <summary>Tunables of the <see cref="BackgroundJobLoop"/>; every default is the production value.</summary>
public sealed class BackgroundJobOptions
{
    /// <summary>Jobs running at once (each one retrying counts until it succeeds or is dropped). Default 32.</summary>
    public int MaxInFlight { get; set; } = 32;

    /// <summary>Jobs waiting to start; when full, <see cref="BackgroundJobLoop.EnqueueAsync"/> awaits space. Default 10,000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Delay before the first retry of a failed job. Default 100 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Factor applied to the delay after each failed retry. Default 1.5.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>Upper bound of the retry delay. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a graceful stop may drain before it turns forced. Default 5 s (the reference's cap).</summary>
    public TimeSpan ShutdownDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxInFlight < 1) throw new ArgumentOutOfRangeException(nameof(MaxInFlight), MaxInFlight, "must be at least 1");
        if (QueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "must be at least 1");
        if (InitialBackoff < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "must not be negative");
        if (BackoffFactor < 1) throw new ArgumentOutOfRangeException(nameof(BackoffFactor), BackoffFactor, "must be at least 1");
        if (MaxBackoff < InitialBackoff) throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "must be at least InitialBackoff");
        if (ShutdownDeadline < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ShutdownDeadline), ShutdownDeadline, "must not be negative");
    }

    /// <summary>The retry delay after <paramref name="failures"/> failed attempts (1 = first retry): initial × factor^(n−1), capped.</summary>
    public TimeSpan BackoffAfter(int failures)
    {
        var ticks = InitialBackoff.Ticks * Math.Pow(BackoffFactor, Math.Max(0, failures - 1));
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
