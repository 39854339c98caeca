namespace ObjectStore.Storage.Tiered;

/// <summary>Tunables of <see cref="OrphanSweep"/>; every default is the production value.</summary>
public sealed class OrphanSweepOptions
{
    /// <summary>The smallest grace allowed: below it, clock skew between silos and the LT endpoint starts to matter.</summary>
    public static readonly TimeSpan MinimumGrace = TimeSpan.FromMinutes(1);

    /// <summary>Blobs modified less than this long before the sweep started are left alone. Default 1 h.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Listed blobs judged together (one change-log read per page); the most the sweep holds. Default 1,000.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Multipart uploads initiated longer ago than this are aborted as abandoned (null: never). Default 7 days, at least 1 day.</summary>
    public TimeSpan? MaxUploadAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>HV reads and LT deletes in flight at once within a page. Default 8.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Grace < MinimumGrace) throw new ArgumentOutOfRangeException(nameof(Grace), Grace, $"must be at least {MinimumGrace}");
        if (PageSize <= 0) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "must be positive");
        if (MaxUploadAge < TimeSpan.FromDays(1)) throw new ArgumentOutOfRangeException(nameof(MaxUploadAge), MaxUploadAge, "must be at least 1 day (or null to keep uploads)");
        if (Parallelism <= 0) throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "must be positive");
    }
}
