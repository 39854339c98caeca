using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Sweep;

/// <summary>Tunables of the orphan sweep grain: a full LT sweep every 6 h, blobs younger than 1 h left alone, 2 h per run at most.</summary>
public sealed class OrphanSweepGrainOptions : PeriodicOptions
{
    /// <summary>Production defaults.</summary>
    public OrphanSweepGrainOptions()
    {
        ReminderPeriod = TimeSpan.FromHours(6);
        RunTimeout = TimeSpan.FromHours(2);
        MaxBatchesPerRun = 1;
    }

    /// <summary>False disables the sweep (its reminder is removed). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Blobs modified less than this long before a sweep are left alone (at least <see cref="Storage.Tiered.OrphanSweepOptions.MinimumGrace"/>). Default 1 h.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Listed blobs judged together; the sweep's progress is saved after each page. Default 1,000.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public new void Validate()
    {
        base.Validate();
        new Storage.Tiered.OrphanSweepOptions { Grace = Grace, PageSize = PageSize }.Validate();
    }
}
