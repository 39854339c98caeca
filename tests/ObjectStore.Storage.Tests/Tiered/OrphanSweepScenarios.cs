using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>
/// The orphan sweep: blobs written through the tiered storage (live, pending, expired) or straight into LT (leaked),
/// then a sweep, then the end state of LT and of the object. The filesystem and S3 stamp blobs with the wall clock,
/// which the scenario clock starts at; "old" means the clock was advanced past the grace.
/// </summary>
public abstract partial class TieredScenarios
{
    private static readonly TimeSpan SweepGrace = TimeSpan.FromHours(1);
    private static readonly TimeSpan PastGrace = TimeSpan.FromHours(2);

    private OrphanSweep Sweep(int pageSize = 1000) =>
        new(Lt, Hv, Log, new OrphanSweepOptions { Grace = SweepGrace, PageSize = pageSize }, Clock);

    /// <summary>A blob written straight into LT at a fresh revision of <paramref name="id"/>: referenced by nothing.</summary>
    private async Task<ObjectId> LeakAsync(ObjectId id)
    {
        var revision = Revision.NewFor(id);
        await Lt.Inner.PutAsync(revision, new ObjectMetadata(), new MemoryStream(new byte[100]), 100, Ct);
        return revision;
    }

    private async Task<bool> ExistsAsync(ObjectId blob) => await Lt.Inner.GetMetadataAsync(blob, Ct) is not null;

    private async Task<ObjectId> TargetAsync(ObjectId id) =>
        (await Hv.Inner.ReadRedirectAsync(id, Ct))?.Target ?? throw new Xunit.Sdk.XunitException("expected a tombstone");

    [Fact]
    public async Task Sweep_deletes_an_old_unreferenced_blob()
    {
        var orphan = await LeakAsync(Id);
        Clock.Advance(PastGrace);

        var result = await Sweep().RunAsync(Ct);

        Assert.False(await ExistsAsync(orphan));
        Assert.Equal((1, 1, 1, 0), (result.Listed, result.Orphaned, result.Deleted, result.Failed));
        Assert.Equal(0, (await Sweep().RunAsync(Ct)).Listed);
    }

    [Fact]
    public async Task Sweep_keeps_the_live_blob_of_an_inline_object_overwritten_by_a_large_one()
    {
        var data = Large();
        await PutAsync(Id, [1, 2, 3]);
        await PutAsync(Id, data);
        await Storage.JoinAsync(Ct);
        var orphan = await LeakAsync(Id);
        Clock.Advance(PastGrace);

        var result = await Sweep().RunAsync(Ct);

        Assert.True(await ExistsAsync(await TargetAsync(Id)));
        Assert.Equal(data, await ReadAsync(Id));
        Assert.False(await ExistsAsync(orphan));
        Assert.Equal((2L, 1L, 1L, 1L), (result.Listed, result.Live, result.Orphaned, result.Deleted));
    }

    [Fact]
    public async Task Sweep_keeps_a_young_orphan()
    {
        var orphan = await LeakAsync(Id);
        Clock.Advance(SweepGrace - TimeSpan.FromMinutes(5));

        var result = await Sweep().RunAsync(Ct);

        Assert.True(await ExistsAsync(orphan));
        Assert.Equal((1L, 1L, 0L), (result.Listed, result.Young, result.Orphaned));
    }

    [Fact]
    public async Task Sweep_keeps_the_blob_of_a_write_with_a_pending_change_entry()
    {
        var data = Large();
        await using var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        await Lt.Inner.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(data), data.Length, Ct);
        Clock.Advance(PastGrace);

        var result = await Sweep().RunAsync(Ct);

        Assert.True(await ExistsAsync(write.Revision));
        Assert.Equal((1L, 1L, 0L), (result.Listed, result.Live, result.Orphaned));
        Assert.Equal(WriteOutcome.Written, await write.CommitAsync(new ObjectMetadata(), data.Length, Ct));
        Assert.Equal(data, await ReadAsync(Id));
    }

    [Fact]
    public async Task Sweep_keeps_the_blob_of_an_expired_but_unpurged_tombstone()
    {
        await PutAsync(Id, Large(), new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(30)) });
        await Storage.JoinAsync(Ct);
        var target = await TargetAsync(Id);
        Clock.Advance(PastGrace);
        Assert.Null(await ReadAsync(Id));

        var result = await Sweep().RunAsync(Ct);

        Assert.True(await ExistsAsync(target));
        Assert.Equal((1L, 1L, 0L), (result.Listed, result.Live, result.Orphaned));
    }

    [Fact]
    public async Task Sweep_leaves_a_path_that_is_no_revision_blob_alone()
    {
        var foreign = Id.WithKey(Id.Key + "/not-a-revision");
        await Lt.Inner.PutAsync(foreign, new ObjectMetadata(), new MemoryStream(new byte[10]), 10, Ct);
        Clock.Advance(PastGrace);

        var result = await Sweep().RunAsync(Ct);

        Assert.True(await ExistsAsync(foreign));
        Assert.Equal((1L, 1L, 0L), (result.Listed, result.Unrecognized, result.Orphaned));
    }

    [Fact]
    public async Task Sweep_keeps_the_blob_of_a_usecase_containing_a_slash_although_its_path_reads_as_another_object()
    {
        // "tricky/org.7" + no scopes stores at the same prefix as usecase "tricky" with scope org=7.
        var id = new ObjectId("tricky/org.7", Scopes.Empty, "k");
        var data = Large();
        await PutAsync(id, data);
        await Storage.JoinAsync(Ct);
        var orphan = await LeakAsync(new ObjectId("tricky", Scopes.Create(new Scope("org", "7")), "k"));
        Clock.Advance(PastGrace);

        var result = await Sweep().RunAsync(Ct);

        Assert.Equal(data, await ReadAsync(id));
        Assert.False(await ExistsAsync(orphan));
        Assert.Equal((2L, 1L, 1L), (result.Listed, result.Live, result.Deleted));
    }

    private sealed class FailRedirectReads(ObjectId failing) : HighVolumeHooks
    {
        public override ValueTask BeforeReadRedirect(ObjectId id) =>
            id == failing ? throw new IOException("HV unavailable") : default;
    }

    private sealed class FailDeletes(ObjectId failing) : LongTermHooks
    {
        public override ValueTask BeforeDelete(ObjectId id) =>
            id == failing ? throw new IOException("LT unavailable") : default;
    }

    [Fact]
    public async Task Sweep_keeps_a_blob_whose_object_cannot_be_read_and_counts_an_undeletable_orphan_failed()
    {
        var unreadable = Id.WithKey("unreadable");
        var kept = await LeakAsync(unreadable);
        var stuck = await LeakAsync(Id.WithKey("stuck"));
        var gone = await LeakAsync(Id.WithKey("gone"));
        Clock.Advance(PastGrace);
        Hv.Hooks = new FailRedirectReads(unreadable);
        Lt.Hooks = new FailDeletes(stuck);

        var result = await Sweep().RunAsync(Ct);

        Assert.True(await ExistsAsync(kept));
        Assert.True(await ExistsAsync(stuck));
        Assert.False(await ExistsAsync(gone));
        Assert.Equal((3L, 2L, 1L, 2L), (result.Listed, result.Orphaned, result.Deleted, result.Failed));
    }

    [Theory]
    [InlineData(nameof(OrphanSweepStep.Listed))]
    [InlineData(nameof(OrphanSweepStep.ChangeLogRead))]
    [InlineData(nameof(OrphanSweepStep.HighVolumeRead))]
    public async Task Sweep_does_not_delete_a_write_committing_between_its_steps(string step)
    {
        var data = Large();
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        await Lt.Inner.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(data), data.Length, Ct);
        Clock.Advance(PastGrace);
        var commits = 0;
        var sweep = Sweep();
        sweep.OnStep = async (at, ct) =>
        {
            if (at.ToString() != step) return;
            // The whole tail of the protocol: CAS, then the cleanup that removes the change entry.
            await write.CommitAsync(new ObjectMetadata(), data.Length, ct);
            await write.DisposeAsync();
            await Storage.JoinAsync(ct);
            commits++;
        };

        await sweep.RunAsync(Ct);

        Assert.Equal(1, commits);
        Assert.Empty(await EntriesAsync());
        Assert.True(await ExistsAsync(write.Revision));
        Assert.Equal(data, await ReadAsync(Id));
    }

    [Fact]
    public async Task Sweep_cancelled_midway_deleted_only_orphans_and_the_next_sweep_finishes()
    {
        var data = Large();
        await PutAsync(Id, data);
        await Storage.JoinAsync(Ct);
        var orphans = new List<ObjectId>();
        for (var i = 0; i < 5; i++) orphans.Add(await LeakAsync(Id.WithKey("leak-" + i)));
        Clock.Advance(PastGrace);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pages = 0;
        var sweep = Sweep(pageSize: 2);
        sweep.OnStep = (at, _) =>
        {
            if (at == OrphanSweepStep.Listed && ++pages == 2) cancel.Cancel();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweep.RunAsync(cancel.Token));

        Assert.Equal(data, await ReadAsync(Id));
        var left = 0;
        foreach (var orphan in orphans) left += await ExistsAsync(orphan) ? 1 : 0;
        Assert.InRange(left, 1, 4);

        var rest = await Sweep(pageSize: 2).RunAsync(Ct);

        Assert.Equal(left, rest.Deleted);
        foreach (var orphan in orphans) Assert.False(await ExistsAsync(orphan));
        Assert.Equal(data, await ReadAsync(Id));
    }

    [Fact]
    public async Task Sweep_aborts_multipart_uploads_older_than_the_max_age_and_keeps_completed_objects()
    {
        var (completedId, parts) = await UploadAsync([Bytes(3000, 1), Bytes(2000, 2)]);
        Assert.True((await Storage.CompleteMultipartAsync(Id, completedId, parts, Ct)).Succeeded);
        await SettleAsync();
        var abandoned = await Storage.InitiateMultipartAsync(Id.WithKey("abandoned"), new ObjectMetadata(), Ct);
        await Storage.UploadPartAsync(Id.WithKey("abandoned"), abandoned, 1, new MemoryStream(Bytes(100)), 100, null, Ct);
        var sweep = new OrphanSweep(Lt, Hv, Log, new OrphanSweepOptions { Grace = SweepGrace, MaxUploadAge = TimeSpan.FromDays(7) }, Clock);

        Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, (await sweep.RunAsync(Ct)).UploadsAborted);
        Assert.Single((await Storage.ListPartsAsync(Id.WithKey("abandoned"), abandoned, null, null, Ct)).Parts);

        Clock.Advance(TimeSpan.FromDays(2));
        var result = await sweep.RunAsync(Ct);

        Assert.Equal(1, result.UploadsAborted);
        await Assert.ThrowsAsync<UploadNotFoundException>(() => Storage.ListPartsAsync(Id.WithKey("abandoned"), abandoned, null, null, Ct));
        Assert.Equal(Concat([Bytes(3000, 1), Bytes(2000, 2)]), await ReadAsync());
        Assert.Equal((1L, 1L, 0L), (result.Listed, result.Live, result.Orphaned));
    }
}
