using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// The last safety net of invariant 2: lists every LT blob and deletes the revision blobs nothing references. Blobs
/// still leak past the change log (an LT put applied after its cleanup ran, a restored backup, a bug); this finds them.
/// It must never delete a blob an acknowledged or in-flight write needs: that loses a write, which is worse than a leak.
///
/// <para><b>One page at a time</b> (<see cref="OrphanSweepOptions.PageSize"/> listed blobs held at most):
/// 1. List the page from <c>ListAsync("")</c>. Blobs modified after sweep start − <see cref="OrphanSweepOptions.Grace"/>
/// are young and kept; paths that are not revision blobs (<see cref="RevisionPath"/>) are kept and counted unrecognized.
/// 2. <i>After</i> the page was listed, read the change log and note which of the page's paths an entry (any phase, any
/// owner, claimed or not) mentions as new or old blob: those are live. 3. <i>After</i> that, read the HV redirect
/// (expired tombstones included) of the objects the path may belong to — the usual reading first, the others only while
/// unreferenced; each object once per page, a few at a time: a tombstone pointing exactly at the path makes it live.
/// 4. Delete the rest (idempotent, a few at a time). A blob whose HV read failed is kept and counted failed, so is an
/// orphan whose delete failed; the next sweep retries both.</para>
///
/// <para><b>Why the order is safe.</b> Every LT blob is written by a write W at a fresh revision R, and W records its
/// change entry before writing R, CASes HV to R, and removes the entry only after that (recorded → blob written → CAS →
/// entry removed); no later write can make R current again, since revisions are never reused. Let blob R be listed in
/// step 1 (so it exists: W's entry was recorded before step 1), the change log read at t1 (step 2) and HV at t2 &gt; t1
/// (step 3). If W's entry still existed at t1, step 2 sees it: kept. Otherwise it was removed before t1, so W's CAS had
/// settled before t1 &lt; t2: if it won and nothing replaced R since, step 3 sees HV point at R: kept; if it lost, or a
/// later write replaced R, R is garbage whichever way (the replacer's own entry deletes it too, idempotently). Reading HV
/// before the change log would be wrong: a write could CAS after the HV read and remove its entry before the log read,
/// and be judged orphan. Listing after the log read would be wrong too: a write could record its entry after the log
/// read. The grace is not needed for this argument; it keeps blobs of uploads in progress, clock skew and operator
/// surprises out of the sweep's way. Multipart uploads are covered alike: complete records its entry before assembling.</para>
///
/// <para><b>Abandoned uploads.</b> After the blobs, multipart uploads initiated more than
/// <see cref="OrphanSweepOptions.MaxUploadAge"/> ago are aborted (their parts deleted): nothing else ever expires them.
/// Parts are not blobs and no acknowledged write needs them. Then the store's unfinished blob writes (S3 multipart
/// uploads of a writer that died mid-upload) that began before the grace are listed, page by page; <i>after</i> that the
/// change log is read, and those whose revision no entry mentions are aborted. Safe by the argument above: the writer
/// recorded its entry before beginning the upload, so an upload without an entry belongs to a write that is over, and an
/// acknowledged write's upload was finished before its commit (a finished upload is never listed as unfinished).</para>
/// </summary>
public sealed class OrphanSweep
{
    private readonly ILongTermStore _lt;
    private readonly IHighVolumeStore _hv;
    private readonly IChangeLog _log;
    private readonly OrphanSweepOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Sweeps <paramref name="lt"/> against <paramref name="hv"/> and <paramref name="log"/>, the stores the tiered storage writes.</summary>
    public OrphanSweep(ILongTermStore lt, IHighVolumeStore hv, IChangeLog log, OrphanSweepOptions? options = null, TimeProvider? time = null, ILogger<OrphanSweep>? logger = null)
    {
        _lt = lt ?? throw new ArgumentNullException(nameof(lt));
        _hv = hv ?? throw new ArgumentNullException(nameof(hv));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _options = options ?? new OrphanSweepOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<OrphanSweep>.Instance;
    }

    /// <summary>Tests only: runs between the steps of every page, to commit writes where the sweep is most exposed.</summary>
    internal Func<OrphanSweepStep, CancellationToken, Task>? OnStep { get; set; }

    /// <summary>
    /// One full sweep. Cancellation stops it between operations and throws; every delete done so far was of an orphan,
    /// so nothing needs undoing.
    /// </summary>
    public Task<OrphanSweepResult> RunAsync(CancellationToken cancellationToken) => RunAsync(new OrphanSweepResult(), cancellationToken);

    /// <summary>One full sweep counting into <paramref name="result"/>, which keeps the counts so far when the sweep throws.</summary>
    public Task<OrphanSweepResult> RunAsync(OrphanSweepResult result, CancellationToken cancellationToken) => RunAsync(result, null, null, cancellationToken);

    /// <summary>
    /// One sweep counting into <paramref name="result"/> that starts after the position <paramref name="resumeAfter"/>
    /// (a previous run's <see cref="OrphanSweepResult.Position"/>; null: from the start) and calls
    /// <paramref name="pageSwept"/> after every page with the position reached, so that a sweep stopped by a crash can
    /// be resumed instead of started over. Resuming is safe because every page is judged on its own (see the remarks);
    /// blobs written behind the position meanwhile wait for the next full sweep.
    /// </summary>
    public async Task<OrphanSweepResult> RunAsync(OrphanSweepResult result, string? resumeAfter, Func<string?, CancellationToken, Task>? pageSwept,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var started = _time.GetUtcNow();
        var youngAfter = started - _options.Grace;
        var page = new List<BlobInfo>(_options.PageSize);
        result.Position = resumeAfter;
        await foreach (var blob in _lt.ListAsync("", resumeAfter, cancellationToken).ConfigureAwait(false))
        {
            page.Add(blob);
            if (page.Count < _options.PageSize) continue;
            await SweepPageAsync(page, youngAfter, result, pageSwept, cancellationToken).ConfigureAwait(false);
            page.Clear();
        }
        if (page.Count > 0) await SweepPageAsync(page, youngAfter, result, pageSwept, cancellationToken).ConfigureAwait(false);
        if (_options.MaxUploadAge is { } maxAge)
            result.UploadsAborted = await _lt.AbortUploadsInitiatedBeforeAsync(started - maxAge, cancellationToken).ConfigureAwait(false);
        var unfinished = new List<UnfinishedWrite>(_options.PageSize);
        await foreach (var write in _lt.ListUnfinishedWritesAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (write.StoragePath is null || write.Initiated > youngAfter) continue;
            unfinished.Add(write);
            if (unfinished.Count < _options.PageSize) continue;
            result.UploadsAborted += await AbortOwnerlessAsync(unfinished, cancellationToken).ConfigureAwait(false);
            unfinished.Clear();
        }
        if (unfinished.Count > 0) result.UploadsAborted += await AbortOwnerlessAsync(unfinished, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Aborts the listed unfinished writes whose revision no change entry mentions (read after the listing).</summary>
    private async Task<int> AbortOwnerlessAsync(List<UnfinishedWrite> writes, CancellationToken cancellationToken)
    {
        var mentioned = await MentionedAsync(writes.Select(w => w.StoragePath!), cancellationToken).ConfigureAwait(false);
        var aborted = 0;
        foreach (var write in writes)
        {
            if (mentioned.Contains(write.StoragePath!)) continue;
            await _lt.AbortUnfinishedWriteAsync(write, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Orphan sweep aborted the unfinished write {UploadId} of {Blob}, begun {Initiated}, that no change entry owns",
                write.UploadId, write.StoragePath, write.Initiated);
            aborted++;
        }
        return aborted;
    }

    private async Task SweepPageAsync(List<BlobInfo> page, DateTimeOffset youngAfter, OrphanSweepResult result,
        Func<string?, CancellationToken, Task>? pageSwept, CancellationToken cancellationToken)
    {
        await JudgePageAsync(page, youngAfter, result, cancellationToken).ConfigureAwait(false);
        // Only a page judged to the end moves the position: a crash inside a page sweeps that page again.
        result.Position = page[^1].ResumeAfter;
        if (pageSwept is not null) await pageSwept(result.Position, cancellationToken).ConfigureAwait(false);
    }

    private async Task JudgePageAsync(List<BlobInfo> page, DateTimeOffset youngAfter, OrphanSweepResult result, CancellationToken cancellationToken)
    {
        result.Listed += page.Count;
        result.LargestPage = Math.Max(result.LargestPage, page.Count);
        var candidates = Candidates(page, youngAfter, result);
        if (candidates.Count == 0) return;
        await StepAsync(OrphanSweepStep.Listed, cancellationToken).ConfigureAwait(false);
        var mentioned = await MentionedAsync(candidates.Select(c => c.Blob.StoragePath), cancellationToken).ConfigureAwait(false);
        await StepAsync(OrphanSweepStep.ChangeLogRead, cancellationToken).ConfigureAwait(false);
        var orphans = await UnreferencedAsync(candidates, mentioned, result, cancellationToken).ConfigureAwait(false);
        await StepAsync(OrphanSweepStep.HighVolumeRead, cancellationToken).ConfigureAwait(false);
        result.Orphaned += orphans.Count;
        await Parallel.ForEachAsync(orphans, Parallelism(cancellationToken), async (orphan, ct) =>
        {
            try
            {
                await _lt.DeleteAsync(orphan.Revision, ct).ConfigureAwait(false);
                result.CountDeleted();
                _logger.LogDebug("Orphan sweep deleted unreferenced LT blob {Blob} ({Size} bytes, modified {LastModified})",
                    orphan.Revision, orphan.Blob.Size, orphan.Blob.LastModified);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result.CountFailed();
                _logger.LogWarning(e, "Orphan sweep could not delete LT blob {Blob}; the next sweep retries", orphan.Revision);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Step 1: the page's old revision blobs with every object each may belong to.</summary>
    private static List<Candidate> Candidates(List<BlobInfo> page, DateTimeOffset youngAfter, OrphanSweepResult result)
    {
        var candidates = new List<Candidate>(page.Count);
        foreach (var blob in page)
        {
            if (blob.LastModified > youngAfter)
            {
                result.Young++;
                continue;
            }
            var owners = RevisionPath.Owners(blob.StoragePath);
            if (owners.Count == 0)
            {
                result.Unrecognized++;
                continue;
            }
            var revision = owners[0].WithKey(owners[0].Key + blob.StoragePath[blob.StoragePath.LastIndexOf('/')..]);
            candidates.Add(new Candidate(blob, owners, revision));
        }
        return candidates;
    }

    /// <summary>Step 2, after the listing: the listed paths some change entry names as its new or old blob.</summary>
    private async Task<HashSet<string>> MentionedAsync(IEnumerable<string> listed, CancellationToken cancellationToken)
    {
        var paths = new HashSet<string>(listed, StringComparer.Ordinal);
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in _log.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entry.NewBlob?.StoragePath is { } added && paths.Contains(added)) mentioned.Add(added);
            if (entry.OldBlob?.StoragePath is { } replaced && paths.Contains(replaced)) mentioned.Add(replaced);
        }
        return mentioned;
    }

    /// <summary>
    /// Step 3, after the change-log read: the candidates no entry mentions and no HV redirect points at. Objects are read
    /// in rounds, the usual reading of every path first and the other readings (<see cref="RevisionPath"/>) only for
    /// paths still unreferenced; each object once per page, <see cref="OrphanSweepOptions.Parallelism"/> at a time. A blob
    /// one of whose objects could not be read is kept and counted failed, unless another one references it.
    /// </summary>
    private async Task<List<Candidate>> UnreferencedAsync(List<Candidate> candidates, HashSet<string> mentioned, OrphanSweepResult result, CancellationToken cancellationToken)
    {
        var targets = new ConcurrentDictionary<ObjectId, Redirect>();
        var open = new List<Candidate>();
        foreach (var candidate in candidates)
        {
            if (mentioned.Contains(candidate.Blob.StoragePath)) result.Live++;
            else open.Add(candidate);
        }
        var orphans = new List<Candidate>();
        // Invariant: every open candidate has a reading numbered round, and no earlier reading references it.
        for (var round = 0; open.Count > 0; round++)
        {
            var owners = open.Select(c => c.Owners[round]).Where(o => !targets.ContainsKey(o)).Distinct().ToList();
            await Parallel.ForEachAsync(owners, Parallelism(cancellationToken),
                async (owner, ct) => targets[owner] = await ReadRedirectAsync(owner, ct).ConfigureAwait(false)).ConfigureAwait(false);
            var next = new List<Candidate>();
            foreach (var candidate in open)
            {
                if (targets[candidate.Owners[round]].Target == candidate.Blob.StoragePath) result.Live++;
                else if (candidate.Owners.Count > round + 1) next.Add(candidate);
                else if (candidate.Owners.Any(o => targets[o].Failed)) result.CountFailed();
                else orphans.Add(candidate);
            }
            open = next;
        }
        return orphans;
    }

    private async Task<Redirect> ReadRedirectAsync(ObjectId owner, CancellationToken cancellationToken)
    {
        try
        {
            var tombstone = await _hv.ReadRedirectAsync(owner, cancellationToken).ConfigureAwait(false);
            return new Redirect(tombstone?.Target.StoragePath, Failed: false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Orphan sweep could not read the HV row of {Object}; its blobs are kept", owner);
            return new Redirect(null, Failed: true);
        }
    }

    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken };

    private Task StepAsync(OrphanSweepStep step, CancellationToken cancellationToken) =>
        OnStep is { } hook ? hook(step, cancellationToken) : Task.CompletedTask;

    /// <summary>An object's redirect target path (null: no tombstone), or that reading it failed.</summary>
    private readonly record struct Redirect(string? Target, bool Failed);

    /// <summary>An old revision blob: the listing entry, the objects it may belong to, and its id (for the delete).</summary>
    private sealed record Candidate(BlobInfo Blob, IReadOnlyList<ObjectId> Owners, ObjectId Revision);
}

/// <summary>The points between a page's steps where <see cref="OrphanSweep.OnStep"/> runs.</summary>
internal enum OrphanSweepStep
{
    /// <summary>The page is listed; the change log is not read yet.</summary>
    Listed,
    /// <summary>The change log is read; HV is not.</summary>
    ChangeLogRead,
    /// <summary>HV is read; nothing is deleted yet.</summary>
    HighVolumeRead,
}
