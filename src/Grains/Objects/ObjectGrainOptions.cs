namespace ObjectStore.Grains.Objects;

/// <summary>Tunables of the object grains on a silo; every default is the production value.</summary>
public sealed class ObjectGrainOptions
{
    /// <summary>Per-silo byte budget of cached HV rows (metadata and inline payloads). Default 64 MiB; 0 disables the cache.</summary>
    public long CacheBudgetBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most object-grain activations a silo keeps live (default 20,000, about 60 MB of activations); beyond it the oldest
    /// leaves (<see cref="Caching.ActivationBudget"/>).
    /// </summary>
    public int MaxActivations { get; set; } = 20_000;

    /// <summary>
    /// Deadline of one mutation once it reached the grain. Mutations ignore the caller's cancellation (run-to-completion)
    /// and stop only at this deadline. Default 30 s, the runtime's default call deadline.
    /// </summary>
    public TimeSpan MutationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a resumable upload session lives without a new chunk before it expires and its bytes are discarded. Default 1 day.</summary>
    public TimeSpan UploadSessionLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (CacheBudgetBytes < 0) throw new ArgumentOutOfRangeException(nameof(CacheBudgetBytes), CacheBudgetBytes, "must not be negative");
        if (MaxActivations < 1) throw new ArgumentOutOfRangeException(nameof(MaxActivations), MaxActivations, "must be at least 1");
        if (MutationTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MutationTimeout), MutationTimeout, "must be positive");
        if (UploadSessionLifetime < TimeSpan.FromMinutes(1)) throw new ArgumentOutOfRangeException(nameof(UploadSessionLifetime), UploadSessionLifetime, "must be at least 1 minute (the reminder granularity)");
    }
}
