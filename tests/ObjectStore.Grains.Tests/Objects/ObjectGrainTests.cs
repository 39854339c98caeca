using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Grains.Recovery;
using ObjectStore.Storage.Tiered;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;
using Orleans.Configuration;

namespace ObjectStore.Grains.Tests.Objects;

public sealed class ObjectGrainTests
{
    private static ObjectId Id(string key) => new("grains", Scopes.Parse("org=1"), key);

    /// <summary>The stored form, for comparing metadata (its custom map compares by reference).</summary>
    private static string Stored(ObjectMetadata metadata) => System.Text.Encoding.UTF8.GetString(MetadataCodec.Serialize(metadata));

    /// <summary>The stored form of metadata as a grain answered it.</summary>
    private static string Stored(ObjectInfo info) => Stored(ObjectContract.ToMetadata(info));

    private static ObjectInfo Ttl(TimeSpan duration) => new() { Expiration = ExpirationPolicy.TimeToLive(duration).ToString() };

    private static ReadRange Range(ByteRange range) => ObjectContract.ToReadRange(range)!.Value;

    [Fact]
    public async Task A_write_through_the_grain_is_visible_to_the_next_read_from_any_silo()
    {
        await using var cluster = await GrainsCluster.StartAsync(3);
        var id = Id("ryw");

        for (var i = 0; i < 12; i++)
        {
            var body = Gateway.Body(i, i % 3 == 0 ? 3000 : 100 + i);
            await Gateway.PutAsync(cluster.Object(id, i % 3), cluster.LongTerm, body);

            Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id, (i + 1) % 3), cluster.LongTerm));
        }
    }

    [Fact]
    public async Task Put_returns_the_stored_metadata_and_head_and_ranged_get_answer_across_silos()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = Id("meta");
        var metadata = new ObjectInfo { ContentType = "text/plain", Expiration = "ttl:1h", Custom = new Dictionary<string, string> { ["a"] = "b" } };

        var stored = await cluster.Object(id, 0).PutInline(metadata, "hello world"u8.ToArray());
        var head = await cluster.Object(id, 1).Head();
        var ranged = await cluster.Object(id, 1).Get(Range(ByteRange.Bounded(6, 100)));
        var unsatisfiable = await cluster.Object(id, 0).Get(Range(ByteRange.From(50)));

        Assert.Equal(11, stored.Size);
        Assert.NotNull(stored.TimeCreated);
        Assert.Equal(stored.TimeCreated + TimeSpan.FromHours(1), stored.TimeExpires);
        Assert.Equal(Stored(stored), Stored(head!));
        Assert.Equal("b", head!.Custom!["a"]);
        Assert.Equal("ttl:1h", head.Expiration);
        Assert.Equal(ObjectReadKind.Inline, ranged.Kind);
        Assert.Equal("world"u8.ToArray(), ranged.Payload.ToArray());
        Assert.Equal(new ResolvedRange { Start = 6, End = 10, Total = 11 }, ranged.Range);
        Assert.Null(unsatisfiable.Range);
        Assert.True(unsatisfiable.Payload.IsEmpty);
    }

    [Fact]
    public async Task Large_objects_are_answered_as_redirects_to_their_revision()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = Id("large");
        var body = Gateway.Body(7, 5000);

        var stored = await Gateway.PutAsync(cluster.Object(id, 1), cluster.LongTerm, body);
        var read = await cluster.Object(id, 0).Get(Range(ByteRange.Suffix(10)));

        Assert.Equal(5000, stored.Size);
        Assert.Equal(ObjectReadKind.LongTerm, read.Kind);
        Assert.StartsWith(id.Key + "/", read.RevisionKey);
        Assert.True(read.Payload.IsEmpty);
        Assert.Equal(Stored(stored), Stored(read.Metadata!));
        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id, 1), cluster.LongTerm));
    }

    [Fact]
    public async Task The_cache_never_serves_an_overwritten_object()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var grain = cluster.Object(Id("overwrite"));
        var stats = cluster.StorageOf(cluster.Silos[0]).Services.Stats;

        await grain.PutInline(Gateway.Metadata(), "one"u8.ToArray());
        Assert.Equal("one"u8.ToArray(), (await grain.Get()).Payload.ToArray());
        await Gateway.PutAsync(grain, cluster.LongTerm, Gateway.Body(2, 4000));
        var second = await grain.Get();
        await grain.PutInline(Gateway.Metadata("text/plain"), "three"u8.ToArray());
        var third = await grain.Get();
        var thirdHead = await grain.Head();
        await grain.Delete();
        var deleted = await grain.Get();

        Assert.Equal(ObjectReadKind.LongTerm, second.Kind);
        Assert.Equal("three"u8.ToArray(), third.Payload.ToArray());
        Assert.Equal("text/plain", thirdHead!.ContentType);
        Assert.Equal(ObjectReadKind.NotFound, deleted.Kind);
        Assert.True(stats.CacheHits >= 3, $"reads after writes should hit the cache, saw {stats.CacheHits} hits");
    }

    [Fact]
    public async Task A_small_write_to_a_key_read_here_caches_the_row_it_stored_without_reading_HV_back()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var id = Id("no-read-back");
        var grain = cluster.Object(id);
        var services = cluster.StorageOf(cluster.Silos[0]).Services;

        Assert.Equal(ObjectReadKind.NotFound, (await grain.Get()).Kind);
        var stored = await grain.PutInline(Gateway.Metadata("text/plain"), "fresh"u8.ToArray());
        var read = await grain.Get();
        var inHv = await services.HighVolume.ReadAsync(id, null, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(1, services.Stats.CacheMisses); // the read before the write
        Assert.Equal(1, services.Stats.CacheHits);
        Assert.Equal("fresh"u8.ToArray(), read.Payload.ToArray());
        Assert.Equal(Stored(inHv.Metadata!), Stored(stored));
        Assert.Equal(Stored(inHv.Metadata!), Stored(read.Metadata!));
    }

    [Fact]
    public async Task Writes_to_keys_never_read_cache_nothing_and_their_first_read_comes_from_HV()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var services = cluster.StorageOf(cluster.Silos[0]).Services;
        var bodies = Enumerable.Range(0, 5).Select(i => Gateway.Body(i, 300)).ToArray();

        for (var i = 0; i < bodies.Length; i++) await cluster.Object(Id($"write-only-{i}")).PutInline(Gateway.Metadata(), bodies[i]);
        var cachedAfterWrites = services.Cache.Count;
        var first = await cluster.Object(Id("write-only-0")).Get();
        var second = await cluster.Object(Id("write-only-0")).Get();

        Assert.Equal(0, cachedAfterWrites);
        Assert.Equal(bodies[0], first.Payload.ToArray());
        Assert.Equal(bodies[0], second.Payload.ToArray());
        Assert.Equal(1, services.Stats.CacheMisses);
        Assert.Equal(1, services.Stats.CacheHits);
    }

    [Fact]
    public async Task The_cache_never_serves_an_expired_object()
    {
        var clock = new ManualClock();
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var small = cluster.Object(Id("ttl-small"));
        var large = cluster.Object(Id("ttl-large"));
        var ttl = Ttl(TimeSpan.FromMinutes(1));

        await small.PutInline(ttl, "soon gone"u8.ToArray());
        await Gateway.PutAsync(large, cluster.LongTerm, Gateway.Body(1, 2000), ttl);
        Assert.Equal(ObjectReadKind.Inline, (await small.Get()).Kind);
        Assert.Equal(ObjectReadKind.LongTerm, (await large.Get()).Kind);
        clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(ObjectReadKind.NotFound, (await small.Get()).Kind);
        Assert.Null(await small.Head());
        Assert.Null(await large.Head());
        Assert.Equal(ObjectReadKind.NotFound, (await large.Get()).Kind);
    }

    [Fact]
    public async Task A_large_write_over_an_expired_large_object_is_stored_and_the_old_blob_removed()
    {
        var clock = new ManualClock();
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var id = Id("expired-then-rewritten");
        await Gateway.PutAsync(cluster.Object(id), cluster.LongTerm, Gateway.Body(1, 3000), Ttl(TimeSpan.FromMinutes(1)));
        clock.Advance(TimeSpan.FromSeconds(61));

        // The expired tombstone is still the key's redirect: the new write must replace it, not be discarded.
        var body = Gateway.Body(2, 4000);
        await Gateway.PutAsync(cluster.Object(id), cluster.LongTerm, body);
        await cluster.JoinAllAsync();

        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id), cluster.LongTerm));
        Assert.Single(await cluster.RevisionBlobsAsync(id));
    }

    [Fact]
    public async Task Cache_hits_still_bump_the_idle_deadline_in_HV()
    {
        var clock = new ManualClock();
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var id = Id("tti");
        var grain = cluster.Object(id);
        var stats = cluster.StorageOf(cluster.Silos[0]).Services.Stats;
        await grain.Head(); // a key read here caches what it writes
        var stored = await grain.PutInline(new ObjectInfo { Expiration = "tti:1h" }, "idle"u8.ToArray());

        clock.Advance(TimeSpan.FromMinutes(40));
        var hitsBefore = stats.CacheHits;
        var read = await grain.Get();
        var hitsAfter = stats.CacheHits;
        var row = await cluster.HighVolume.ReadMetadataAsync(id, clock.GetUtcNow(), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(50));
        var later = await grain.Get();

        Assert.Equal(hitsBefore + 1, hitsAfter);
        Assert.Equal(stored.TimeExpires, read.Metadata!.TimeExpires);
        Assert.Equal(stored.TimeCreated + TimeSpan.FromMinutes(100), row.Metadata!.TimeExpires);
        Assert.Equal(ObjectReadKind.Inline, later.Kind);
        Assert.Equal(row.Metadata.TimeExpires, later.Metadata!.TimeExpires);
    }

    [Fact]
    public async Task The_cache_stays_within_its_per_silo_budget_and_still_answers_correctly()
    {
        await using var cluster = await GrainsCluster.StartAsync(1, s => s.Objects.CacheBudgetBytes = 4096);
        var cache = cluster.StorageOf(cluster.Silos[0]).Services.Cache;
        var bodies = Enumerable.Range(0, 10).Select(i => Gateway.Body(i, 1000)).ToArray();

        for (var i = 0; i < bodies.Length; i++) await cluster.Object(Id($"budget-{i}")).PutInline(Gateway.Metadata(), bodies[i]);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < bodies.Length; i++)
            {
                Assert.Equal(bodies[i], (await cluster.Object(Id($"budget-{i}")).Get()).Payload.ToArray());
                Assert.InRange(cache.Used, 0, cache.Budget);
            }
        }

        Assert.True(cache.Evictions > 0);
        Assert.InRange(cache.Count, 1, 4);
    }

    [Fact]
    public async Task Writes_to_many_distinct_keys_keep_at_most_the_budgeted_activations_and_every_key_still_answers()
    {
        const int limit = 8, keys = 40;
        await using var cluster = await GrainsCluster.StartAsync(1, s => s.Objects.MaxActivations = limit);
        var budget = cluster.StorageOf(cluster.Silos[0]).Services.Activations;
        var management = cluster.Silos[0].GrainFactory.GetGrain<IManagementGrain>(0);
        var bodies = Enumerable.Range(0, keys).Select(i => Gateway.Body(i, 200 + i)).ToArray();

        for (var i = 0; i < keys; i++) await cluster.Object(Id($"many-{i}")).PutInline(Gateway.Metadata(), bodies[i]);

        Assert.InRange(budget.Live, 1, limit);
        Assert.True(budget.Shed >= keys - limit, $"shed {budget.Shed}");
        // Orleans finishes a deactivation after the call that asked for it: wait for its count to follow.
        var active = int.MaxValue;
        for (var attempt = 0; attempt < 100 && active > limit; attempt++)
        {
            var stats = await management.GetSimpleGrainStatistics();
            active = stats.Where(s => s.GrainType.Contains(nameof(ObjectGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
            if (active > limit) await Task.Delay(50);
        }
        Assert.InRange(active, 1, limit);
        // A shed key reactivates and answers from HV, its bytes unchanged; reading them all sheds again.
        for (var i = 0; i < keys; i++) Assert.Equal(bodies[i], (await cluster.Object(Id($"many-{i}")).Get()).Payload.ToArray());
        Assert.InRange(budget.Live, 1, limit);
    }

    [Fact]
    public async Task Committing_an_unknown_large_write_fails_with_a_clear_error_on_every_silo()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = Id("unknown");
        var ticket = new LargeWriteTicket { RevisionKey = $"{id.Key}/never-begun", ChangeId = Guid.NewGuid(), Metadata = Gateway.Metadata() };

        var local = await Assert.ThrowsAsync<UnknownLargeWriteException>(() => cluster.Object(id, 0).CommitLargeWrite(ticket, 10));
        var remote = await Assert.ThrowsAsync<UnknownLargeWriteException>(() => cluster.Object(id, 1).CommitLargeWrite(ticket, 10));

        Assert.Contains(ticket.ChangeId.ToString(), local.Message);
        Assert.Contains(ticket.ChangeId.ToString(), remote.Message);
        Assert.Contains("begin it again", remote.Message);
        Assert.Equal(ObjectReadKind.NotFound, (await cluster.Object(id).Get()).Kind);
    }

    [Fact]
    public async Task Aborted_and_held_too_long_large_writes_leave_no_blob_and_cannot_be_committed()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var id = Id("abandoned");
        var grain = cluster.Object(id);
        var stats = cluster.StorageOf(cluster.Silos[0]).Services.Stats;

        var aborted = await grain.BeginLargeWrite(Gateway.Metadata());
        await Gateway.UploadAsync(cluster.LongTerm, id, aborted, Gateway.Body(1, 2000));
        await grain.AbortLargeWrite(aborted.ChangeId);
        await cluster.JoinAllAsync();
        var forgotten = await grain.BeginLargeWrite(Gateway.Metadata());
        await Gateway.UploadAsync(cluster.LongTerm, id, forgotten, Gateway.Body(2, 2000));
        // Past the large-write hold, recovery abandons the forgotten write although the silo that began it lives.
        clock.Advance(new TieredStorageOptions().LargeWriteHold + TimeSpan.FromSeconds(1));
        var run = await cluster.Silos[0].GrainFactory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key).RecoverNow();
        await cluster.JoinAllAsync();

        Assert.Equal(1, stats.AbandonedWrites);
        Assert.Equal(1, run.Cleaned);
        Assert.Empty(await cluster.RevisionBlobsAsync(id));
        await Assert.ThrowsAsync<UnknownLargeWriteException>(() => grain.CommitLargeWrite(forgotten, 2000));
        await Assert.ThrowsAsync<UnknownLargeWriteException>(() => grain.CommitLargeWrite(aborted, 2000));
        Assert.Equal(ObjectReadKind.NotFound, (await grain.Get()).Kind);
    }

    [Fact]
    public async Task A_large_write_commits_after_its_activation_was_collected_while_the_body_streamed()
    {
        await using var cluster = await GrainsCluster.StartAsync(1, silo: b => b.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(300);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(100);
        }));
        var id = Id("slow-upload");
        var ticket = await cluster.Object(id).BeginLargeWrite(Gateway.Metadata());
        var body = Gateway.Body(3, 2000);

        // The upload takes several idle ages without a grain call, as a long streamed body does: the activation that
        // began the write is collected, and the commit reaches a new one.
        await Eventually.True(() => !cluster.Cluster.TryGetGrainContext(cluster.Object(id).GetGrainId(), out _), "the writer's activation is collected");
        await Gateway.UploadAsync(cluster.LongTerm, id, ticket, body);
        await cluster.Object(id).CommitLargeWrite(ticket, body.Length);
        await cluster.JoinAllAsync();

        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id), cluster.LongTerm));
        Assert.Equal([Gateway.Revision(id, ticket).StoragePath], await cluster.RevisionBlobsAsync(id));
    }

    [Fact]
    public async Task A_large_write_commits_on_another_silo_after_the_silo_that_began_it_left()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var owner = cluster.Silos[1];
        var id = await cluster.IdOwnedByAsync(owner, "leaving");
        await Gateway.PutAsync(cluster.Object(id, 0), cluster.LongTerm, Gateway.Body(0, 2500));
        var ticket = await cluster.Object(id, 0).BeginLargeWrite(Gateway.Metadata());
        var body = Gateway.Body(1, 2000);
        await Gateway.UploadAsync(cluster.LongTerm, id, ticket, body);

        await cluster.StopAsync(owner);
        await cluster.Object(id, 0).CommitLargeWrite(ticket, body.Length);
        // Repeating a commit whose answer was lost is safe: it finds the revision current and keeps it.
        await cluster.Object(id, 0).CommitLargeWrite(ticket, body.Length);
        await cluster.Object(id, 0).AbortLargeWrite(ticket.ChangeId);
        await cluster.JoinAllAsync();

        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id, 0), cluster.LongTerm));
        Assert.Equal([Gateway.Revision(id, ticket).StoragePath], await cluster.RevisionBlobsAsync(id));
    }

    [Fact]
    public async Task A_large_write_belongs_to_the_silo_that_uploads_it_and_survives_its_grain_silo_dying()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var (uploader, grainSilo) = (cluster.Silos[0], cluster.Silos[1]);
        var id = await cluster.IdOwnedByAsync(grainSilo, "uploader-owned");
        var writer = uploader.Services.GetRequiredService<ObjectWriter>();
        var body = Gateway.Body(5, 3000);
        using var gated = new GatedStream(new MemoryStream(body), openBytes: 2000);

        // The body streams through silo 0 into a write begun by the key's grain on silo 1; silo 1 dies mid-upload.
        var put = writer.PutAsync(id, new ObjectMetadata(), gated, body.Length, CancellationToken.None);
        await gated.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var entry = Assert.Single(await ListAsync(cluster.ChangeLog));
        await cluster.KillAsync(grainSilo);
        var run = await uploader.GrainFactory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key).RecoverNow();
        gated.Open();
        await put;
        await cluster.JoinAllAsync();

        Assert.Equal(uploader.Name, entry.Owner);
        Assert.Equal(0, run.Claimed);
        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id), cluster.LongTerm));
        Assert.Single(await cluster.RevisionBlobsAsync(id));
        Assert.Empty(await ListAsync(cluster.ChangeLog));
    }

    private static async Task<List<Storage.ChangeLog.ChangeEntry>> ListAsync(Storage.ChangeLog.IChangeLog log)
    {
        var entries = new List<Storage.ChangeLog.ChangeEntry>();
        await foreach (var entry in log.ListAsync(CancellationToken.None)) entries.Add(entry);
        return entries;
    }

    [Fact]
    public async Task After_a_silo_dies_an_activation_no_longer_answers_from_a_row_it_cached_before()
    {
        await using var cluster = await GrainsCluster.StartAsync(3);
        var reader = cluster.Silos[0];
        var id = await cluster.IdOwnedByAsync(reader, "cached-before-a-death");
        var grain = cluster.Object(id);
        await grain.PutInline(Gateway.Metadata(), Gateway.Body(1, 100));
        // A write the activation does not see, as one through a second activation of the key would be (the default
        // directory allows one after a silo dies): the activation's cache still answers the old bytes.
        var now = DateTimeOffset.UtcNow;
        var newer = Gateway.Body(2, 120);
        await cluster.HighVolume.PutInlineUnlessTombstoneAsync(id, new ObjectMetadata().StampedAt(now) with { Size = newer.Length }, newer, now, CancellationToken.None);
        Assert.Equal(Gateway.Body(1, 100), (await grain.Get()).Payload.ToArray());

        var membership = reader.Services.GetRequiredService<Caching.MembershipShape>();
        var before = membership.Current;
        await cluster.KillAsync(cluster.Silos[2]);
        await Eventually.True(() => membership.Current != before, "silo 0 sees silo 2 declared dead", 60_000);

        Assert.Equal(newer, (await grain.Get()).Payload.ToArray());
        Assert.Equal(newer, (await grain.Get()).Payload.ToArray());
    }

    [Fact]
    public async Task A_mutation_that_starts_after_its_callers_deadline_is_refused_and_not_applied()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = Id("late-attempt");
        var grain = cluster.Object(id, 0);
        await grain.PutInline(Gateway.Metadata(), Gateway.Body(1, 100));

        // The first attempt of a retried call, run by a silo that was hung until after the retry was acknowledged.
        RequestContext.Set(CallDeadline.ContextKey, (DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1)).UtcTicks);
        try
        {
            await Assert.ThrowsAsync<CallDeadlinePassedException>(() => cluster.Object(id, 1).PutInline(Gateway.Metadata(), Gateway.Body(2, 120)));
            await Assert.ThrowsAsync<CallDeadlinePassedException>(() => cluster.Object(id, 1).Delete());
        }
        finally
        {
            RequestContext.Remove(CallDeadline.ContextKey);
        }

        Assert.Equal(Gateway.Body(1, 100), (await grain.Get()).Payload.ToArray());
        // Within the deadline the same calls apply.
        await Failover.RunAsync(static async (g, _) => await g.PutInline(Gateway.Metadata(), Gateway.Body(3, 90)), grain, CancellationToken.None);
        Assert.Equal(Gateway.Body(3, 90), (await grain.Get()).Payload.ToArray());
    }

    [Fact]
    public async Task Multipart_uploads_commit_through_the_grain_and_read_as_redirects()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = Id("multipart");
        var storage = cluster.StorageOf(cluster.Silos[1]).Storage;
        var part1 = Gateway.Body(1, 1500);
        var part2 = Gateway.Body(2, 700);

        var uploadId = await cluster.Object(id, 1).InitiateMultipart(Gateway.Metadata("video/mp4"));
        var etag1 = await storage.UploadPartAsync(id, uploadId, 1, new MemoryStream(part1), part1.Length, null, CancellationToken.None);
        var etag2 = await storage.UploadPartAsync(id, uploadId, 2, new MemoryStream(part2), part2.Length, null, CancellationToken.None);
        var parts = new[] { new PartTag { PartNumber = 1, ETag = etag1 }, new PartTag { PartNumber = 2, ETag = etag2 } };
        var completion = await cluster.Object(id, 0).CompleteMultipart(uploadId, parts);
        var again = await cluster.Object(id, 1).CompleteMultipart(uploadId, parts);

        Assert.True(completion.Succeeded, completion.ErrorMessage);
        Assert.True(again.Succeeded, again.ErrorMessage);
        Assert.Equal("video/mp4", (await cluster.Object(id, 1).Head())!.ContentType);
        Assert.Equal(ObjectReadKind.LongTerm, (await cluster.Object(id, 0).Get()).Kind);
        var whole = await Gateway.ReadAsync(cluster.Object(id, 0), cluster.LongTerm);
        Assert.Equal(part1.Concat(part2).ToArray(), whole);
    }

    [Fact]
    public async Task Mutations_run_to_completion_when_the_caller_cancels()
    {
        var hv = new PausingHighVolumeStore(new Storage.HighVolume.InMemoryHighVolumeStore());
        await using var cluster = await GrainsCluster.StartAsync(1, GrainsCluster.InMemoryStores() with { HighVolume = hv });
        var id = Id("disconnect");
        var grain = cluster.Object(id);
        hv.Pause(nameof(hv.PutInlineUnlessTombstoneAsync));
        using var caller = new CancellationTokenSource();

        var put = grain.PutInline(Gateway.Metadata(), "finished anyway"u8.ToArray(), caller.Token);
        await hv.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);
        hv.Gate.SetResult();

        Assert.Equal("finished anyway"u8.ToArray(), (await grain.Get()).Payload.ToArray());
    }

    [Fact]
    public async Task A_large_commit_runs_to_completion_when_the_caller_cancels()
    {
        var hv = new PausingHighVolumeStore(new Storage.HighVolume.InMemoryHighVolumeStore());
        await using var cluster = await GrainsCluster.StartAsync(1, GrainsCluster.InMemoryStores() with { HighVolume = hv });
        var id = Id("disconnect-large");
        var grain = cluster.Object(id);
        var body = Gateway.Body(3, 3000);
        var ticket = await grain.BeginLargeWrite(Gateway.Metadata());
        await Gateway.UploadAsync(cluster.LongTerm, id, ticket, body);
        hv.Pause(nameof(hv.CompareAndWriteAsync));
        using var caller = new CancellationTokenSource();

        var commit = grain.CommitLargeWrite(ticket, body.Length, caller.Token);
        await hv.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commit);
        hv.Gate.SetResult();

        Assert.Equal(body, await Gateway.ReadAsync(grain, cluster.LongTerm));
        await cluster.JoinAllAsync();
        Assert.Equal([Gateway.Revision(id, ticket).StoragePath], await cluster.RevisionBlobsAsync(id));
    }
}
