using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Caching;
using ObjectStore.Grains.Hosting;
using ObjectStore.Storage.Diagnostics;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// The activation of one object key. Protocol, per method (each a turn; mutations take a backend permit and run
/// under their own deadline, <see cref="ObjectGrainOptions.MutationTimeout"/>, never the caller's token):
/// <list type="number">
/// <item><b>PutInline.</b> Drop the cached row → <c>TieredStorage.PutInlineAsync</c> (inline write, or record + CAS a
/// tombstone away) → cache the row it wrote when the key was read through this activation (a key only written caches
/// nothing; read back from HV when a concurrent writer superseded it), return its metadata.</item>
/// <item><b>BeginLargeWrite.</b> <c>BeginLargeWriteAsync</c> (read current target C, record {new = R, old = C}, held for the
/// large-write hold) → ticket. The caller streams the body into LT at R. The activation keeps nothing: the change entry is the
/// write's state, so the activation may be collected or move while the body streams.</item>
/// <item><b>CommitLargeWrite.</b> Drop the cached row → <c>CommitLargeWriteAsync</c> from the ticket: take the entry from the
/// log, read HV's current target (C → CAS C → R; R → already committed; else superseded, cleanup deletes R) → read back,
/// cache. An entry abandoned or recovered meanwhile → <see cref="UnknownLargeWriteException"/>.</item>
/// <item><b>AbortLargeWrite.</b> Take the entry as abandoned: its cleanup deletes R. A write never committed nor aborted is
/// abandoned by recovery once its hold passed, or at once when the silo that began it is gone.</item>
/// <item><b>Get / Head.</b> The cached row if it is not expired at the read's <c>now</c>; else read HV (Get: the whole
/// row, cached when it fits the per-silo budget; Head: metadata, cached for tombstones). Then the debounced TTI bump
/// in HV (cache hits included) and the cached deadline follows it. Inline → bytes (sliced to the range);
/// tombstone → redirect to R, which the caller streams from LT.</item>
/// <item><b>ExtendExpiry.</b> Resolve a now-relative request at the grain's now → drop the cached row → read HV's redirect
/// state (the target, if a tombstone) → <c>IHighVolumeStore.ExtendExpiryAsync</c> expecting exactly that state: the row is
/// re-read under the write lock, decided (<c>ExpiryExtension.Decide</c>) and its deadline and policy written together, the
/// same conditional write the TTI bump takes. A writer that replaced the row in between makes it a Conflict, never a
/// write to the wrong revision.</item>
/// <item><b>Delete / multipart complete.</b> Drop the cached row → <c>TieredStorage</c>.</item>
/// </list>
/// </summary>
/// <remarks>
/// Placement prefers the calling silo: the gateway is co-hosted in every silo, so the silo that received a key's first
/// request activates its grain and serves it without a hop; later requests for the key from other silos go to it.
/// </remarks>
[GrainType(ObjectContract.GrainTypeName), Orleans.Placement.PreferLocalPlacement]
public sealed class ObjectGrain(ObjectStoreGrainServices services, MembershipShape membership) : Grain, IObjectGrain
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<ObjectGrain>();
    private ObjectId _id = null!;
    private CacheEntry? _cached;
    private long _membershipAtActivation;
    private bool _leaving;
    private ActivationBudget.Member? _budgeted;
    private bool _readHere;

    private TieredStorage Storage => services.Storage;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A key no HTTP path could name fails the activation, and with it the call: nothing is stored under it.
        _id = ObjectContract.ParseGrainKey(GrainKey);
        _membershipAtActivation = membership.Current;
        _budgeted = services.Activations.Enter(GrainContext);
        return Task.CompletedTask;
    }

    private string GrainKey => this.GetPrimaryKeyString();

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _budgeted?.Leave();
        Forget();
        return Task.CompletedTask;
    }

    // ---- writes ---------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public Task<ObjectInfo> PutInline(ObjectInfo metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > Storage.InlineThreshold)
            throw new ArgumentException(
                $"a payload of {payload.Length} bytes is over the {Storage.InlineThreshold}-byte inline threshold: large objects are written over HTTP (PUT /v1/objects/{{usecase}}/{{scopes}}/{{key}}), which streams them to the long-term tier",
                nameof(payload));
        return Info(PutInlineAsync(ObjectContract.ToMetadata(metadata), payload));
    }

    private Task<ObjectMetadata> PutInlineAsync(ObjectMetadata metadata, ReadOnlyMemory<byte> payload)
    {
        return MutateAsync(async ct =>
        {
            Forget();
            var written = await Storage.PutInlineAsync(_id, metadata, payload, ct);
            Settle(written.Outcome);
            if (written.Outcome == WriteOutcome.Written)
            {
                // HV now holds exactly this row: a key that is read through this activation caches it rather than
                // reading it back on its next read. A key only written (a bulk load, batch inserts) caches nothing:
                // the copy (the caller's buffer goes back to its pool) would live until evicted, and a budget's worth
                // of such copies passing through the old generation cost bulk writes a fifth of their throughput.
                if (_readHere && services.Cache.Budget > 0) Remember(new CachedRow(written.Metadata, null, payload.ToArray()));
                return written.Metadata;
            }
            var row = await LoadAsync(services.Time.GetUtcNow(), ct);
            return row?.Metadata ?? written.Metadata;
        });
    }

    /// <inheritdoc/>
    public Task<LargeWriteTicket> BeginLargeWrite(ObjectInfo info, CancellationToken cancellationToken)
    {
        var metadata = ObjectContract.ToMetadata(info);
        var uploader = RequestContext.Get(ObjectContract.UploaderContextKey) as string;
        return MutateAsync(async ct =>
        {
            var write = await Storage.BeginLargeWriteAsync(_id, uploader, ct);
            return new LargeWriteTicket { RevisionKey = write.Revision.Key, ChangeId = write.ChangeId, Metadata = ObjectContract.ToInfo(write.Stamp(metadata)) };
        });
    }

    /// <inheritdoc/>
    public Task<ObjectInfo> CommitLargeWrite(LargeWriteTicket ticket, long size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var revision = _id.WithKey(ticket.RevisionKey);
        var metadata = ObjectContract.ToMetadata(ticket.Metadata);
        return Info(MutateAsync(async ct =>
        {
            Forget();
            try
            {
                Settle(await Storage.CommitLargeWriteAsync(_id, ticket.ChangeId, revision, metadata, size, ct));
            }
            catch (LargeWriteAbandonedException)
            {
                throw new UnknownLargeWriteException(ticket.ChangeId, GrainKey);
            }
            var row = await LoadAsync(services.Time.GetUtcNow(), ct);
            return row?.Metadata ?? metadata with { Size = size };
        }));
    }

    /// <inheritdoc/>
    public async Task AbortLargeWrite(Guid changeId, CancellationToken cancellationToken)
    {
        // Queued on the job loop (no permit, no HV round trip in the turn): it must happen even during an outage.
        if (await Storage.AbandonLargeWriteAsync(_id, changeId, CancellationToken.None)) services.Stats.Abandon();
    }

    /// <inheritdoc/>
    public Task<ExpiryResult> ExtendExpiry(ExpiryRequest request, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        if (ObjectContract.ToExtension(request, now) is not { } extension) return Task.FromResult(ExpiryResult.OutOfRange);
        return MutateAsync(async ct =>
        {
            // Decided on the row HV holds, under its lock: the cached copy may be behind a writer on another silo.
            Forget();
            var target = (await services.HighVolume.ReadRedirectAsync(_id, ct))?.Target;
            var outcome = await services.HighVolume.ExtendExpiryAsync(_id, target, extension, now, ct);
            return ObjectContract.ToResult(outcome);
        });
    }

    /// <inheritdoc/>
    public Task Delete(CancellationToken cancellationToken) => MutateAsync(async ct =>
    {
        Forget();
        await Storage.DeleteAsync(_id, ct);
        return true;
    });

    /// <inheritdoc/>
    public Task<string> InitiateMultipart(ObjectInfo metadata, CancellationToken cancellationToken)
    {
        var stored = ObjectContract.ToMetadata(metadata);
        return MutateAsync(ct => Storage.InitiateMultipartAsync(_id, stored, ct));
    }

    /// <inheritdoc/>
    public async Task<MultipartOutcome> CompleteMultipart(string uploadId, IReadOnlyList<PartTag> parts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        ArgumentNullException.ThrowIfNull(parts);
        var completed = ObjectContract.ToCompletedParts(parts);
        return ObjectContract.ToOutcome(await MutateAsync(ct =>
        {
            Forget();
            return Storage.CompleteMultipartAsync(_id, uploadId, completed, ct);
        }));
    }

    // ---- reads ----------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public async Task<ObjectRead> Get(ReadRange? range, CancellationToken cancellationToken)
    {
        var requested = ObjectContract.ToByteRange(range);
        var now = services.Time.GetUtcNow();
        _readHere = true;
        var row = Cached(now) ?? await LoadAsync(now, cancellationToken);
        if (row is null) return ObjectRead.NotFound;
        await BumpIfIdleAsync(row, now);
        var metadata = ObjectContract.ToInfo(row.Metadata);
        if (row.Target is { } target) return new ObjectRead { Kind = ObjectReadKind.LongTerm, Metadata = metadata, RevisionKey = target.Key };
        if (requested is not { } r) return new ObjectRead { Kind = ObjectReadKind.Inline, Metadata = metadata, Payload = row.Payload };
        // As HV answers: an unsatisfiable range yields no bytes and no resolved range.
        if (r.Resolve(row.Payload.Length) is not { } resolved) return new ObjectRead { Kind = ObjectReadKind.Inline, Metadata = metadata };
        return new ObjectRead
        {
            Kind = ObjectReadKind.Inline,
            Metadata = metadata,
            Payload = row.Payload.Slice((int)resolved.Start, (int)resolved.Length),
            Range = ObjectContract.ToResolved(resolved),
        };
    }

    /// <inheritdoc/>
    public async Task<ObjectInfo?> Head(CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        _readHere = true;
        var row = Cached(now);
        if (row is null)
        {
            services.Stats.Miss();
            HighVolumeEntry entry;
            using (StorageTelemetry.Start("read_metadata", _id, StorageTelemetry.HighVolume))
            using (await services.Permits.AcquireAsync(cancellationToken))
                entry = await services.HighVolume.ReadMetadataAsync(_id, now, cancellationToken);
            if (entry.Kind == EntryKind.NotFound) return null;
            row = new CachedRow(entry.Metadata!, entry.Tombstone?.Target, ReadOnlyMemory<byte>.Empty);
            // An inline row read without its payload cannot answer a later Get, so only tombstones are cached here.
            if (row.Target is not null) Remember(row);
        }
        await BumpIfIdleAsync(row, now);
        return ObjectContract.ToInfo(row.Metadata);
    }

    // ---- turn helpers ---------------------------------------------------------------------------------

    private static async Task<ObjectInfo> Info(Task<ObjectMetadata> write) => ObjectContract.ToInfo(await write);

    /// <summary>Runs a mutation to completion: a permit, and the grain's own deadline instead of the caller's token.</summary>
    private async Task<T> MutateAsync<T>(Func<CancellationToken, Task<T>> mutation)
    {
        using var deadline = new CancellationTokenSource(services.Objects.MutationTimeout);
        using (await services.Permits.AcquireAsync(deadline.Token))
        {
            CallDeadline.Check();
            return await mutation(deadline.Token);
        }
    }

    private void Settle(WriteOutcome outcome)
    {
        if (outcome == WriteOutcome.Superseded) services.Stats.CasConflict();
        else if (outcome == WriteOutcome.Overtaken) services.Stats.Supersede();
    }

    // ---- cache ----------------------------------------------------------------------------------------

    /// <summary>The cached row, unless evicted or expired at <paramref name="now"/> (then it is dropped).</summary>
    private CachedRow? Cached(DateTimeOffset now)
    {
        if (MayBeDuplicate())
        {
            Forget();
            return null;
        }
        if (_cached is null) return null;
        var row = services.Cache.Touch(_cached);
        if (row is null || row.Metadata.IsExpired(now))
        {
            Forget();
            return null;
        }
        services.Stats.Hit();
        return row;
    }

    /// <summary>Reads the whole row from HV and caches it; null when absent or expired.</summary>
    private async Task<CachedRow?> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        services.Stats.Miss();
        HighVolumeEntry entry;
        using (StorageTelemetry.Start("read", _id, StorageTelemetry.HighVolume))
        using (await services.Permits.AcquireAsync(cancellationToken))
            entry = await services.HighVolume.ReadAsync(_id, null, now, cancellationToken);
        if (entry.Kind == EntryKind.NotFound)
        {
            Forget();
            return null;
        }
        var row = new CachedRow(entry.Metadata!, entry.Tombstone?.Target, entry.Payload);
        Remember(row);
        return row;
    }

    /// <summary>
    /// True once a silo died or joined after this activation began: the key may have a second activation (see <see cref="MembershipShape"/>),
    /// so this one reads HV from now on and leaves when idle, letting the key's next call find its one activation.
    /// </summary>
    private bool MayBeDuplicate()
    {
        if (_leaving) return true;
        if (membership.Current == _membershipAtActivation) return false;
        _leaving = true;
        _logger.LogDebug("The cluster changed since {Object}'s activation began: it stops answering from its cache and deactivates", _id);
        DeactivateOnIdle();
        return true;
    }

    private void Remember(CachedRow row)
    {
        if (_leaving) return;
        Forget();
        _cached = services.Cache.Admit(row);
    }

    private void Forget()
    {
        if (_cached is null) return;
        services.Cache.Release(_cached);
        _cached = null;
    }

    /// <summary>
    /// The debounced TTI bump (api doc §5.3): when the deadline is earlier than now + tti − debounce, move it to
    /// now + tti in HV and in the cached row. Runs under the grain's deadline; a failure is logged, never fails the read.
    /// </summary>
    private async Task BumpIfIdleAsync(CachedRow row, DateTimeOffset now)
    {
        var policy = row.Metadata.Expiration;
        if (policy.Kind != ExpirationKind.TimeToIdle || row.Metadata.TimeExpires is not { } expires) return;
        var bumped = ObjectTimestamp.ToMicros(policy.DeadlineFrom(now)!.Value);
        if (expires >= bumped - policy.TtiDebounce) return;
        try
        {
            using var deadline = new CancellationTokenSource(services.Objects.MutationTimeout);
            bool applied;
            using (await services.Permits.AcquireAsync(deadline.Token))
                applied = await services.HighVolume.BumpExpiryAsync(_id, row.Target, bumped, now, deadline.Token);
            if (applied && _cached is { } entry && services.Cache.Update(entry, row with { Metadata = row.Metadata with { TimeExpires = bumped } })) return;
            Forget();
        }
        catch (Exception e)
        {
            Forget();
            _logger.LogWarning(e, "TTI bump of {Object} failed; the read still succeeds", _id);
        }
    }
}
