using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Diagnostics;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// Two-tier storage, objectstore's protocol (api doc §16.1–16.2): payloads of at most
/// <see cref="TieredStorageOptions.InlineThreshold"/> bytes (1 MiB, inclusive) live inline in HV; larger ones
/// live in LT at a fresh revision key <c>{key}/{uuid v7}</c> behind an HV redirect tombstone carrying the full
/// metadata. The tombstone compare-and-swap (CAS) in HV is the only commit point; CAS is idempotent. Every
/// operation takes its <c>now</c> once. Change entries are recorded before any LT side effect and owned by a
/// <see cref="ChangeGuard"/>, whose disposal queues the §16.2 cleanup on the <see cref="BackgroundJobLoop"/>.
///
/// <para><b>Put (stream).</b> 1. Buffer at most threshold + 1 bytes (pooled). 2. The stream ended within the
/// threshold → small write. 3. Otherwise → large write, streaming the buffered prefix then the rest.</para>
///
/// <para>Expired tombstones are tombstones to every writer: until the purge removes them they still reference their
/// LT blob, so a write or delete over one replaces it through the change log like a live one (invariant 2); only
/// reads hide them.</para>
///
/// <para><b>Small write.</b> 1. Write inline unless a tombstone (live or expired) is there → done (Written).
/// 2. A tombstone T is there: record change {old = T} (Recorded). 3. Written; CAS(T → inline).
/// OK → Updated: cleanup deletes T. Conflict → Lost: another writer won, nothing to delete, caller gets
/// success (Superseded). Error → stays Written, the outcome unknown: the entry's cleanup time is set to now +
/// <see cref="TieredStorageOptions.UnknownOutcomeDelay"/> and recovery then reads HV and deletes T only if it is no
/// longer current (not at once: a late-applied CAS could land after that read); the error reaches the caller.</para>
///
/// <para><b>Large write</b> (<see cref="BeginLargeWriteAsync(ObjectId, CancellationToken)"/>, LT upload, <see cref="CommitLargeWriteAsync"/>).
/// 1. Read the current tombstone target C, expired or not (or none). 2. Record change {new = R, old = C} (Recorded,
/// due after the large-write hold). 3. Stream the body to LT at R; failure → abandon: take the entry (Lost, due now),
/// delete R, and rethrow. 4. Take the entry for the commit (Written, due after the unknown-outcome delay), in one
/// conditional write that fails if the entry was abandoned or claimed by recovery; CAS(C → tombstone R). OK → Updated:
/// cleanup deletes C. Conflict → Lost: cleanup deletes R, caller gets success (Superseded). Error (including a commit
/// applied whose response was lost) → stays Written: after the delay recovery reads HV and deletes whichever of C and R
/// is not current; the error reaches the caller. Steps 2 and 4 may run in different processes: the write lives in the
/// log, not in memory, so it survives its grain moving, and recovery takes a Recorded entry whose owner died at once.</para>
///
/// <para><b>Delete.</b> 1. Delete unless a tombstone (live or expired) is there → done. 2. Tombstone T: record {old = T}.
/// 3. Written; CAS(T → delete). OK → Updated: cleanup deletes T. Conflict → Lost: someone rewrote the key,
/// nothing deleted, success. Error → Written: HV decides after the unknown-outcome delay. LT delete failures are retried in the background and,
/// if the process dies first, by recovery; the delete itself has already succeeded.</para>
///
/// <para><b>Get / Head.</b> 1. Read HV (expired rows read as not found). 2. Inline → serve. Tombstone → Get opens
/// the target in LT (ranges pass through); a missing target (orphan tombstone) reads as not found; Head answers
/// from the tombstone's metadata. 3. TTI objects whose deadline is earlier than now + tti − debounce
/// (debounce = min(tti/4, 24 h)) get their deadline bumped to now + tti; the response shows the pre-bump value.
/// A failed bump is logged, never fails the read.</para>
///
/// <para><b>Multipart.</b> Initiate: R = new revision, metadata stamped now, LT initiate at R; upload id =
/// base64url(JSON {revision, backend upload id}). Parts, list and abort delegate to LT at R. Complete:
/// 1. HV already points at R → success (a retry after a lost response). 2. Record {new = R, old = C}, phase
/// Assembling, cleanup after now + hold (24 h). 3. LT complete; a backend-reported failure is returned as a
/// value (guard: Assembling, nothing deleted, the client may retry); an upload LT no longer knows is taken as
/// assembled by an earlier attempt and checked in step 4. 4. Read R's LT metadata (existence, policy); absent →
/// NoSuchUpload. 5. CAS(C → tombstone R). OK → Updated: cleanup deletes C. Conflict → Lost: cleanup deletes R,
/// success. Error → stays Assembling: nothing deleted now; a retry finishes it, else recovery after the hold
/// reads HV and deletes what is not current.</para>
///
/// <para><b>Purge</b> (<see cref="PurgeExpiredAsync"/>). 1. List expired rows (bounded). 2. Inline: delete if
/// still expired. 3. Tombstone T: record {old = T}; Written; delete the row if still expired at T. OK → Updated:
/// cleanup deletes T. Not deleted → Lost: the row was bumped (T is current) or replaced, and whoever replaced it
/// recorded {old = T} itself. Error → stays Written: HV decides after the unknown-outcome delay.</para>
///
/// <para><b>Recovery</b> (<see cref="RecoverAsync"/>). Claim entries whose owner is gone or whose hold passed;
/// for each, read HV for the current target and apply the rule; recovery never finishes an operation. A failed
/// cleanup marks the entry due now, so any recoverer retries it once the claim lapsed (the claim made this process
/// its owner, and a live owner's entries without a due time are otherwise never taken).</para>
/// </summary>
public sealed class TieredStorage
{
    private readonly IHighVolumeStore _hv;
    private readonly ILongTermStore _lt;
    private readonly IChangeLog _log;
    private readonly BackgroundJobLoop _jobs;
    private readonly TieredStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeCleanup _cleanup;

    /// <summary>Wires the tiers; the job loop is shared and owned by the caller.</summary>
    public TieredStorage(IHighVolumeStore hv, ILongTermStore lt, IChangeLog log, BackgroundJobLoop jobs,
        TieredStorageOptions? options = null, TimeProvider? time = null, ILogger<TieredStorage>? logger = null)
    {
        _hv = hv ?? throw new ArgumentNullException(nameof(hv));
        _lt = lt ?? throw new ArgumentNullException(nameof(lt));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _jobs = jobs ?? throw new ArgumentNullException(nameof(jobs));
        _options = options ?? new TieredStorageOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<TieredStorage>.Instance;
        _cleanup = new ChangeCleanup(hv, lt, log, _time, _options.UnknownOutcomeDelay);
    }

    /// <summary>The owner this instance writes into change entries.</summary>
    public string Owner => _options.Owner;

    /// <summary>Largest inline payload in bytes.</summary>
    public int InlineThreshold => _options.InlineThreshold;

    // ---- writes -------------------------------------------------------------------------------------

    /// <summary>
    /// Stores the stream's bytes under <paramref name="id"/>, choosing the tier after at most threshold + 1 buffered
    /// bytes. <paramref name="contentLength"/>, when the caller knows it (Content-Length), is passed to LT as the size hint.
    /// </summary>
    public async Task<WriteOutcome> PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? contentLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = ArrayPool<byte>.Shared.Rent(_options.InlineThreshold + 1);
        try
        {
            var buffered = await FillAsync(content, buffer.AsMemory(0, _options.InlineThreshold + 1), cancellationToken).ConfigureAwait(false);
            if (buffered <= _options.InlineThreshold)
                return (await PutInlineAsync(id, metadata, buffer.AsMemory(0, buffered), cancellationToken).ConfigureAwait(false)).Outcome;
            return await PutLargeAsync(id, metadata, new PrefixedStream(buffer.AsMemory(0, buffered), content), contentLength, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Small write: stores <paramref name="payload"/> (at most the threshold) inline, swapping away a tombstone if one is there.</summary>
    public async Task<InlineWriteResult> PutInlineAsync(ObjectId id, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("put_inline", id, StorageTelemetry.HighVolume);
        if (payload.Length > _options.InlineThreshold)
            throw new ArgumentException($"inline payload of {payload.Length} bytes exceeds the threshold of {_options.InlineThreshold}", nameof(payload));
        var now = _time.GetUtcNow();
        var stamped = metadata.StampedAt(now) with { Size = payload.Length };
        var tombstone = await _hv.PutInlineUnlessTombstoneAsync(id, stamped, payload, now, cancellationToken).ConfigureAwait(false);
        if (tombstone is null) return new InlineWriteResult(WriteOutcome.Written, stamped);
        var outcome = await SwapTombstoneAsync(id, tombstone.Target, new TieredWrite.WriteInline(stamped, payload), now, cancellationToken).ConfigureAwait(false);
        return new InlineWriteResult(outcome, stamped);
    }

    /// <summary>
    /// Large write, steps 1–2: reads the current target and records the change (Recorded, held for
    /// <see cref="TieredStorageOptions.LargeWriteHold"/>); the caller then streams the body to LT at <see cref="LargeWrite.Revision"/>.
    /// Nothing about the write stays in this process: the commit and the abandonment find it in the change log.
    /// </summary>
    public Task<LargeWrite> BeginLargeWriteAsync(ObjectId id, CancellationToken cancellationToken) => BeginLargeWriteAsync(id, null, cancellationToken);

    /// <summary>
    /// <see cref="BeginLargeWriteAsync(ObjectId, CancellationToken)"/> for a body another process uploads: the entry is owned by
    /// <paramref name="uploader"/> (that process's owner name; null = this one), so recovery takes the write when the uploader
    /// dies, and leaves it alone while only this process goes away.
    /// </summary>
    public async Task<LargeWrite> BeginLargeWriteAsync(ObjectId id, string? uploader, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("begin_large_write", id, StorageTelemetry.HighVolume);
        // Microseconds, as the log stores it: an activation that commits from the entry stamps the same instant.
        var now = ObjectTimestamp.ToMicros(_time.GetUtcNow());
        var current = await CurrentTargetAsync(id, cancellationToken).ConfigureAwait(false);
        var revision = Revision.NewFor(id);
        var entry = await RecordEntryAsync(id, revision, current, ChangePhase.Recorded, now, now + _options.LargeWriteHold, cancellationToken, uploader).ConfigureAwait(false);
        return new LargeWrite(this, id, revision, entry.Id, now);
    }

    /// <summary>
    /// Large write, step 4, decided from the change log (any process may run it, whichever activation began the write):
    /// take the Recorded entry for the commit (Written, this process its owner, recovery held off for the unknown-outcome
    /// delay), then read HV's current target. It is the revision already (a repeated commit) → Updated. It is not the
    /// target seen at begin → Lost (superseded; cleanup deletes the revision). Else CAS it to a tombstone of the revision
    /// with <paramref name="metadata"/> stamped at begin and <paramref name="size"/>; a conflict reads HV again, since a
    /// repeated commit of the same revision may have won. An entry that cannot be taken (abandoned, recovered, committed
    /// and cleaned up) answers from HV: the revision current → Written, else <see cref="LargeWriteAbandonedException"/>.
    /// </summary>
    public async Task<WriteOutcome> CommitLargeWriteAsync(ObjectId id, Guid changeId, ObjectId revision, ObjectMetadata metadata, long size, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("commit_large_write", id, StorageTelemetry.HighVolume);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var now = _time.GetUtcNow();
        var entry = await _log.TakeRecordedAsync(changeId, id, ChangePhase.Written, _options.Owner, now + _options.UnknownOutcomeDelay, cancellationToken).ConfigureAwait(false);
        if (entry is null || entry.NewBlob != revision)
        {
            if (await CurrentTargetAsync(id, cancellationToken).ConfigureAwait(false) == revision) return WriteOutcome.Written;
            throw new LargeWriteAbandonedException(id, changeId);
        }
        var guard = new ChangeGuard(entry, _cleanup, _jobs, _logger);
        await using (guard.ConfigureAwait(false))
        {
            var current = await CurrentTargetAsync(id, cancellationToken).ConfigureAwait(false);
            if (current == revision) return Settle(guard, won: true);
            if (current != entry.OldBlob)
            {
                guard.Advance(ChangePhase.Lost);
                return WriteOutcome.Overtaken;
            }
            var tombstone = new Tombstone(revision, metadata.StampedAt(entry.RecordedAt) with { Size = size });
            var won = await _hv.CompareAndWriteAsync(id, entry.OldBlob, new TieredWrite.WriteTombstone(tombstone), entry.RecordedAt, cancellationToken).ConfigureAwait(false);
            if (!won) won = await CurrentTargetAsync(id, cancellationToken).ConfigureAwait(false) == revision;
            return Settle(guard, won);
        }
    }

    /// <summary>
    /// Abandons a large write that was not committed, in the background: takes its Recorded entry (Lost, due now), then
    /// deletes the revision and aborts what an unfinished upload stored. Queued rather than run inline so that it happens
    /// even when the abort arrives during a dependency outage (the job loop retries until it succeeds). An entry already
    /// taken (committed, abandoned, recovered) is left alone. False when the job loop is stopping: then the entry is only
    /// marked due, and the next recovery run deletes the revision.
    /// </summary>
    public async Task<bool> AbandonLargeWriteAsync(ObjectId id, Guid changeId, CancellationToken cancellationToken)
    {
        ChangeEntry? taken = null;
        var took = false;
        var queued = await _jobs.EnqueueAsync($"abandon {changeId}", async ct =>
        {
            // A retry after the take succeeded must still clean up: what the take returned is kept across attempts.
            if (!took)
            {
                taken = await TakeAsLostAsync(ct).ConfigureAwait(false);
                took = true;
            }
            if (taken is not null) await _cleanup.RunAsync(taken, ChangePhase.Lost, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (queued) return true;
        // The process is stopping: mark the entry due now, so the next recovery run takes it, rather than leave a write whose
        // uploader lives to wait out its hold. Best effort: if this fails too, the hold still bounds it.
        try
        {
            await TakeAsLostAsync(cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Job loop stopping; abandoned large write {ChangeId} of {Object} marked due for recovery", changeId, id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Job loop stopping; abandoned large write {ChangeId} of {Object} left to recovery after its hold", changeId, id);
        }
        return false;

        Task<ChangeEntry?> TakeAsLostAsync(CancellationToken ct) =>
            _log.TakeRecordedAsync(changeId, id, ChangePhase.Lost, _options.Owner, _time.GetUtcNow(), ct);
    }

    /// <summary>
    /// Deletes the object (inline row, or tombstone with its LT blob in the background). Idempotent. On a full disk the
    /// delete releases the <see cref="TieredStorageOptions.DiskReserve"/> and runs again, since freeing space first needs
    /// some (a WAL frame, a change-log row); a later delete takes the reserve back once there is room.
    /// </summary>
    public async Task DeleteAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var reserve = _options.DiskReserve;
        try
        {
            await DeleteOnceAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Sql.DiskReserve.IsDiskFull(e) && reserve is not null && reserve.TryRelease())
        {
            _logger.LogWarning("The disk is full: released the disk reserve so that deleting {Object} can free space", id);
            await DeleteOnceAsync(id, cancellationToken).ConfigureAwait(false);
        }
        reserve?.TryRestore();
    }

    private async Task DeleteOnceAsync(ObjectId id, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("delete", id, StorageTelemetry.HighVolume);
        var now = _time.GetUtcNow();
        var tombstone = await _hv.DeleteUnlessTombstoneAsync(id, now, cancellationToken).ConfigureAwait(false);
        if (tombstone is null) return;
        await SwapTombstoneAsync(id, tombstone.Target, TieredWrite.Delete.Instance, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WriteOutcome> PutLargeAsync(ObjectId id, ObjectMetadata metadata, PrefixedStream body, long? sizeHint, CancellationToken cancellationToken)
    {
        var write = await BeginLargeWriteAsync(id, cancellationToken).ConfigureAwait(false);
        await using (write.ConfigureAwait(false))
        {
            await _lt.PutAsync(write.Revision, write.Stamp(metadata), body, sizeHint, cancellationToken).ConfigureAwait(false);
            return await write.CommitAsync(metadata, body.BytesRead, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Small write over a tombstone and delete of one: record {old = target}, CAS it away.</summary>
    private async Task<WriteOutcome> SwapTombstoneAsync(ObjectId id, ObjectId target, TieredWrite write, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var guard = await RecordAsync(id, null, target, ChangePhase.Recorded, now, null, cancellationToken).ConfigureAwait(false);
        await using (guard.ConfigureAwait(false))
        {
            guard.Advance(ChangePhase.Written);
            var won = await _hv.CompareAndWriteAsync(id, target, write, now, cancellationToken).ConfigureAwait(false);
            return Settle(guard, won);
        }
    }

    private static WriteOutcome Settle(ChangeGuard guard, bool won)
    {
        guard.Advance(won ? ChangePhase.Updated : ChangePhase.Lost);
        return won ? WriteOutcome.Written : WriteOutcome.Superseded;
    }

    // ---- reads --------------------------------------------------------------------------------------

    /// <summary>Opens the object (optionally a range); null when absent, expired, or an orphan tombstone.</summary>
    public async Task<StoredObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("get", id, StorageTelemetry.HighVolume);
        var now = _time.GetUtcNow();
        var entry = await _hv.ReadAsync(id, range, now, cancellationToken).ConfigureAwait(false);
        switch (entry.Kind)
        {
            case EntryKind.Inline:
                await BumpIfIdleAsync(id, null, entry.Metadata!, now, cancellationToken).ConfigureAwait(false);
                return StoredObject.Inline(entry.Metadata!, entry.Range, entry.Payload);
            case EntryKind.Tombstone:
                var tombstone = entry.Tombstone!;
                span?.SetTag("objectstore.tier", StorageTelemetry.LongTerm);
                var blob = await _lt.GetAsync(tombstone.Target, range, cancellationToken).ConfigureAwait(false);
                if (blob is null)
                {
                    _logger.LogWarning("Orphan tombstone: {Object} points at missing LT blob {Target}", id, tombstone.Target);
                    return null;
                }
                await BumpIfIdleAsync(id, tombstone.Target, tombstone.Metadata, now, cancellationToken).ConfigureAwait(false);
                return StoredObject.LongTerm(tombstone.Metadata, blob.Range, blob.Content);
            default:
                return null;
        }
    }

    /// <summary>The object's metadata from HV alone (tombstones carry it); null when absent or expired.</summary>
    public async Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("head", id, StorageTelemetry.HighVolume);
        var now = _time.GetUtcNow();
        var entry = await _hv.ReadMetadataAsync(id, now, cancellationToken).ConfigureAwait(false);
        if (entry.Kind == EntryKind.NotFound) return null;
        await BumpIfIdleAsync(id, entry.Tombstone?.Target, entry.Metadata!, now, cancellationToken).ConfigureAwait(false);
        return entry.Metadata;
    }

    private async Task BumpIfIdleAsync(ObjectId id, ObjectId? target, ObjectMetadata metadata, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = metadata.Expiration;
        if (policy.Kind != ExpirationKind.TimeToIdle || metadata.TimeExpires is not { } expires) return;
        var bumped = ObjectTimestamp.ToMicros(policy.DeadlineFrom(now)!.Value);
        if (expires >= bumped - policy.TtiDebounce) return;
        try
        {
            await _hv.BumpExpiryAsync(id, target, bumped, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "TTI bump of {Object} failed; the read still succeeds", id);
        }
    }

    // ---- multipart ----------------------------------------------------------------------------------

    /// <summary>Starts a multipart upload under a revision fixed now, with metadata stamped now; returns the tiered upload id.</summary>
    public async Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("multipart_initiate", id, StorageTelemetry.LongTerm);
        var now = _time.GetUtcNow();
        var revision = Revision.NewFor(id);
        var backendId = await _lt.InitiateMultipartAsync(revision, metadata.StampedAt(now), cancellationToken).ConfigureAwait(false);
        return MultipartUploadId.Encode(revision, backendId);
    }

    /// <summary>Stores one part (any size); returns its etag.</summary>
    public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken)
    {
        var (revision, backendId) = MultipartUploadId.Decode(id, uploadId);
        return _lt.UploadPartAsync(revision, backendId, partNumber, content, contentLength, contentMd5, cancellationToken);
    }

    /// <summary>Lists uploaded parts after <paramref name="partNumberMarker"/>.</summary>
    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken)
    {
        var (revision, backendId) = MultipartUploadId.Decode(id, uploadId);
        return _lt.ListPartsAsync(revision, backendId, maxParts, partNumberMarker, cancellationToken);
    }

    /// <summary>Aborts the upload; unknown uploads are fine.</summary>
    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken)
    {
        var (revision, backendId) = MultipartUploadId.Decode(id, uploadId);
        return _lt.AbortMultipartAsync(revision, backendId, cancellationToken);
    }

    /// <summary>Assembles the upload and commits it by tombstone CAS; idempotent. Backend-reported problems are returned, not thrown.</summary>
    public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
    {
        using var span = StorageTelemetry.Start("multipart_complete", id, StorageTelemetry.LongTerm);
        ArgumentNullException.ThrowIfNull(parts);
        var (revision, backendId) = MultipartUploadId.Decode(id, uploadId);
        var now = _time.GetUtcNow();
        var current = await CurrentTargetAsync(id, cancellationToken).ConfigureAwait(false);
        if (current == revision) return MultipartCompletion.Success;
        var guard = await RecordAsync(id, revision, current, ChangePhase.Assembling, now, now + _options.MultipartHold, cancellationToken).ConfigureAwait(false);
        await using (guard.ConfigureAwait(false))
        {
            var assembled = await AssembleAsync(revision, backendId, parts, cancellationToken).ConfigureAwait(false);
            if (!assembled.Succeeded) return assembled;
            var metadata = await _lt.GetMetadataAsync(revision, cancellationToken).ConfigureAwait(false);
            if (metadata is null) return MultipartCompletion.Failed("NoSuchUpload", $"multipart upload not found: {uploadId}");
            var won = await _hv.CompareAndWriteAsync(id, current, new TieredWrite.WriteTombstone(new Tombstone(revision, metadata)), now, cancellationToken).ConfigureAwait(false);
            Settle(guard, won);
            return MultipartCompletion.Success;
        }
    }

    /// <summary>LT complete; an upload LT no longer knows may have been assembled by an earlier attempt, so it defers to the metadata read.</summary>
    private async Task<MultipartCompletion> AssembleAsync(ObjectId revision, string backendId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
    {
        try
        {
            var completion = await _lt.CompleteMultipartAsync(revision, backendId, parts, cancellationToken).ConfigureAwait(false);
            return completion.ErrorCode == "NoSuchUpload" ? MultipartCompletion.Success : completion;
        }
        catch (UploadNotFoundException)
        {
            return MultipartCompletion.Success;
        }
    }

    // ---- expiry, recovery, join ---------------------------------------------------------------------

    /// <summary>Physically deletes up to <paramref name="limit"/> expired rows; expired tombstones' LT blobs go through the change log.</summary>
    public async Task<PurgeResult> PurgeExpiredAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var now = _time.GetUtcNow();
        var rows = await _hv.ListExpiredAsync(now, limit, cancellationToken).ConfigureAwait(false);
        int inline = 0, tombstones = 0, skipped = 0;
        foreach (var row in rows)
        {
            var deleted = row.Target is { } target
                ? await PurgeTombstoneAsync(row.Id, target, now, cancellationToken).ConfigureAwait(false)
                : await _hv.DeleteIfExpiredAsync(row.Id, null, now, cancellationToken).ConfigureAwait(false);
            if (!deleted) skipped++;
            else if (row.Target is null) inline++;
            else tombstones++;
        }
        return new PurgeResult(inline, tombstones, skipped);
    }

    private async Task<bool> PurgeTombstoneAsync(ObjectId id, ObjectId target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var guard = await RecordAsync(id, null, target, ChangePhase.Recorded, now, null, cancellationToken).ConfigureAwait(false);
        await using (guard.ConfigureAwait(false))
        {
            guard.Advance(ChangePhase.Written);
            var deleted = await _hv.DeleteIfExpiredAsync(id, target, now, cancellationToken).ConfigureAwait(false);
            guard.Advance(deleted ? ChangePhase.Updated : ChangePhase.Lost);
            return deleted;
        }
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> entries whose owner is not in <paramref name="liveOwners"/> or whose
    /// hold passed, and cleans each one (HV decides what is current). Failures are counted and retried by a later batch.
    /// </summary>
    public async Task<RecoveryResult> RecoverAsync(IReadOnlyCollection<string> liveOwners, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(liveOwners);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var now = _time.GetUtcNow();
        var entries = await _log.ClaimRecoverableAsync(_options.Owner, liveOwners, now, _options.RecoveryClaim, limit, cancellationToken).ConfigureAwait(false);
        int cleaned = 0, deletes = 0, failed = 0;
        foreach (var entry in entries)
        {
            try
            {
                deletes += await _cleanup.RunAsync(entry, ChangePhase.Written, cancellationToken).ConfigureAwait(false);
                cleaned++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                _logger.LogWarning(e, "Recovery of change {ChangeId} for {Object} failed; a later batch retries it", entry.Id, entry.Object);
                await MarkDueAsync(entry, now, cancellationToken).ConfigureAwait(false);
            }
        }
        return new RecoveryResult(entries.Count, cleaned, deletes, failed);
    }

    private async Task MarkDueAsync(ChangeEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _log.UpdatePhaseAsync(entry.Id, entry.Phase, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without a due time the entry waits for this process to end; still covered, never orphaned.
            _logger.LogWarning(e, "Could not mark change {ChangeId} due; it is retried once this process is gone", entry.Id);
        }
    }

    /// <summary>An orphan sweep over this storage's tiers and change log, on its clock.</summary>
    public OrphanSweep CreateOrphanSweep(OrphanSweepOptions? options = null, ILogger<OrphanSweep>? logger = null) =>
        new(_lt, _hv, _log, options, _time, logger);

    /// <summary>Waits until every cleanup queued so far (and any queued meanwhile) has finished.</summary>
    public Task JoinAsync(CancellationToken cancellationToken) => _jobs.JoinAsync(cancellationToken);

    // ---- helpers ------------------------------------------------------------------------------------

    // The redirect state, expired tombstones included: the CAS must expect it and the change entry must cover its blob.
    private async Task<ObjectId?> CurrentTargetAsync(ObjectId id, CancellationToken cancellationToken) =>
        (await _hv.ReadRedirectAsync(id, cancellationToken).ConfigureAwait(false))?.Target;

    private async Task<ChangeGuard> RecordAsync(ObjectId id, ObjectId? newBlob, ObjectId? oldBlob, ChangePhase phase, DateTimeOffset now, DateTimeOffset? cleanupAfter, CancellationToken cancellationToken) =>
        new(await RecordEntryAsync(id, newBlob, oldBlob, phase, now, cleanupAfter, cancellationToken).ConfigureAwait(false), _cleanup, _jobs, _logger);

    private async Task<ChangeEntry> RecordEntryAsync(ObjectId id, ObjectId? newBlob, ObjectId? oldBlob, ChangePhase phase, DateTimeOffset now, DateTimeOffset? cleanupAfter,
        CancellationToken cancellationToken, string? owner = null)
    {
        var entry = new ChangeEntry
        {
            Id = Guid.CreateVersion7(),
            Object = id,
            NewBlob = newBlob,
            OldBlob = oldBlob,
            Phase = phase,
            CleanupAfter = cleanupAfter,
            Owner = string.IsNullOrEmpty(owner) ? _options.Owner : owner,
            RecordedAt = now,
        };
        await _log.RecordAsync(entry, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    private static async Task<int> FillAsync(Stream content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await content.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
