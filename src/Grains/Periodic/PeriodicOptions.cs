namespace ObjectStore.Grains.Periodic;

/// <summary>Tunables shared by the reminder-driven maintenance grains; defaults are production values.</summary>
public abstract class PeriodicOptions
{
    /// <summary>Reminder period. Default 1 min (the runtime refuses periods below <c>SiloOptions.MinReminderPeriod</c>).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows or entries handled per storage call. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Batches per run at most, so one tick is bounded; the next tick continues. Default 100.</summary>
    public int MaxBatchesPerRun { get; set; } = 100;

    /// <summary>Deadline of one run. Default 5 min.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (ReminderPeriod <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReminderPeriod), ReminderPeriod, "must be positive");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be positive");
        if (MaxBatchesPerRun <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBatchesPerRun), MaxBatchesPerRun, "must be positive");
        if (RunTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RunTimeout), RunTimeout, "must be positive");
    }
}
