namespace ObjectStore.Storage.Tiered;

/// <summary>Tunables of <see cref="TieredStorage"/>; every default is the production value.</summary>
public sealed class TieredStorageOptions
{
    /// <summary>The reference threshold: payloads of at most 1,048,576 bytes are stored inline in HV.</summary>
    public const int DefaultInlineThreshold = 1_048_576;

    /// <summary>This process incarnation: host, process id and a fresh UUID, so a restarted process is a new owner.</summary>
    public static string ProcessIncarnation { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.CreateVersion7():N}";

    /// <summary>Largest payload (inclusive) kept inline in HV; larger ones go to LT. Default 1 MiB.</summary>
    public int InlineThreshold { get; set; } = DefaultInlineThreshold;

    /// <summary>How long a multipart complete's change entry is left alone so the client can retry. Default 24 h.</summary>
    public TimeSpan MultipartHold { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Owner written into change-log entries; recovery takes entries whose owner is gone. Default <see cref="ProcessIncarnation"/>.</summary>
    public string Owner { get; set; } = ProcessIncarnation;

    /// <summary>
    /// How long an entry whose commit outcome is unknown (the CAS threw) is left alone before recovery reads HV
    /// and cleans it up, so a statement applied late cannot land after that read. Default 1 min.
    /// </summary>
    public TimeSpan UnknownOutcomeDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a begun large write may take before its commit; after that recovery abandons it (deletes the revision) even
    /// while its owner lives, and a late commit fails. A write whose owner died is recovered at once. Default 1 h.
    /// </summary>
    public TimeSpan LargeWriteHold { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a recovery claim keeps other recoverers off an entry. Default 5 min.</summary>
    public TimeSpan RecoveryClaim { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Space a delete may free for itself when the disk is full (the embedded SQLite data directory); null = none, so a
    /// delete on a full disk fails like a write.
    /// </summary>
    public Sql.DiskReserve? DiskReserve { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (InlineThreshold is < 0 or >= int.MaxValue) throw new ArgumentOutOfRangeException(nameof(InlineThreshold), InlineThreshold, "must be 0 or more and below int.MaxValue");
        if (MultipartHold < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MultipartHold), MultipartHold, "must not be negative");
        if (string.IsNullOrEmpty(Owner)) throw new ArgumentOutOfRangeException(nameof(Owner), Owner, "must not be empty");
        if (UnknownOutcomeDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(UnknownOutcomeDelay), UnknownOutcomeDelay, "must not be negative");
        if (LargeWriteHold <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LargeWriteHold), LargeWriteHold, "must be positive");
        if (RecoveryClaim <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RecoveryClaim), RecoveryClaim, "must be positive");
    }
}
