using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// The cleanup rule of api doc §16.2, shared by guards (in the background) and recovery (inline):
/// <list type="number">
/// <item>Decide the current blob from the phase: Recorded and Lost → old; Updated → new; Written (and
/// recovery, which knows nothing) → the target of the HV tombstone, read now, expired or not (an expired
/// tombstone still references its blob until the purge or a writer replaces it, both through the log).</item>
/// <item>Delete old if old ≠ current, delete new if new ≠ current (LT deletes are idempotent); before deleting new,
/// abort the store's unfinished writes of it (the S3 multipart upload of a writer that died mid-upload).</item>
/// <item>Remove the entry. A failure anywhere throws; every step is idempotent, so the caller retries the whole.</item>
/// </list>
/// Assembling and Written entries never reach here from a guard: a multipart complete may be retried, and a
/// commit whose outcome is unknown may still be applied late, so only recovery after their delay touches them
/// (<see cref="DeferAsync"/> makes the delay durable).
/// </summary>
internal sealed class ChangeCleanup(IHighVolumeStore hv, ILongTermStore lt, IChangeLog log, TimeProvider time, TimeSpan unknownOutcomeDelay)
{
    /// <summary>Leaves an entry whose commit outcome is unknown to recovery: durably sets its cleanup time to now + the delay.</summary>
    public Task DeferAsync(ChangeEntry entry, CancellationToken cancellationToken) =>
        log.UpdatePhaseAsync(entry.Id, ChangePhase.Written, time.GetUtcNow() + unknownOutcomeDelay, cancellationToken);

    /// <summary>Applies the rule for <paramref name="phase"/>; returns the number of LT deletes issued.</summary>
    public async Task<int> RunAsync(ChangeEntry entry, ChangePhase phase, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(entry, phase, cancellationToken).ConfigureAwait(false);
        var deletes = 0;
        if (entry.OldBlob is { } old && old != current)
        {
            await lt.DeleteAsync(old, cancellationToken).ConfigureAwait(false);
            deletes++;
        }
        if (entry.NewBlob is { } created && created != current)
        {
            // Its writer may have died mid-upload: what it stored so far (S3 multipart parts) goes too, not only the blob.
            await foreach (var unfinished in lt.ListUnfinishedWritesAsync(created, cancellationToken).ConfigureAwait(false))
                await lt.AbortUnfinishedWriteAsync(unfinished, cancellationToken).ConfigureAwait(false);
            await lt.DeleteAsync(created, cancellationToken).ConfigureAwait(false);
            deletes++;
        }
        await log.RemoveAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        return deletes;
    }

    private async Task<ObjectId?> CurrentAsync(ChangeEntry entry, ChangePhase phase, CancellationToken cancellationToken)
    {
        switch (phase)
        {
            case ChangePhase.Recorded or ChangePhase.Lost:
                return entry.OldBlob;
            case ChangePhase.Updated:
                return entry.NewBlob;
            default:
                var redirect = await hv.ReadRedirectAsync(entry.Object, cancellationToken).ConfigureAwait(false);
                return redirect?.Target;
        }
    }
}
