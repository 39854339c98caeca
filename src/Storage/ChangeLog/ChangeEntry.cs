using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.ChangeLog;

/// <summary>How far a logged multi-step mutation got (api doc §16.2).</summary>
public enum ChangePhase
{
    /// <summary>Logged; no LT side effect yet known to have happened. Current = old.</summary>
    Recorded,
    /// <summary>The new blob was written; the CAS outcome is unknown. After the unknown-outcome delay, recovery reads HV to decide.</summary>
    Written,
    /// <summary>The CAS won. Current = new.</summary>
    Updated,
    /// <summary>The CAS lost. Current = old.</summary>
    Lost,
    /// <summary>A multipart complete is assembling; the client may retry, so only recovery after the delay cleans up.</summary>
    Assembling,
    /// <summary>Cleaned up; the entry is about to be removed.</summary>
    Completed,
}

/// <summary>
/// A write-ahead change-log entry, durable in the HV database and recorded before any LT side
/// effect: the blob the operation may create (<see cref="NewBlob"/>), the blob it may replace
/// (<see cref="OldBlob"/>), and who owns it. Cleanup deletes whichever of the two HV does not reference.
/// </summary>
public sealed record ChangeEntry
{
    /// <summary>Entry id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The object (HV key) the change is about.</summary>
    public required ObjectId Object { get; init; }

    /// <summary>The LT blob this operation writes, if any.</summary>
    public ObjectId? NewBlob { get; init; }

    /// <summary>The LT blob this operation replaces, if any.</summary>
    public ObjectId? OldBlob { get; init; }

    /// <summary>The last durable phase.</summary>
    public ChangePhase Phase { get; init; } = ChangePhase.Recorded;

    /// <summary>Recovery may take the entry after this time even while its owner lives (multipart: +24 h); null = only when the owner is gone.</summary>
    public DateTimeOffset? CleanupAfter { get; init; }

    /// <summary>The process incarnation that owns the entry (a silo id); recovery takes entries of dead owners.</summary>
    public required string Owner { get; init; }

    /// <summary>When the entry was recorded.</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}
