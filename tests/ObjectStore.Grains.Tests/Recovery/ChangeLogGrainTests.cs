using System.Diagnostics;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Recovery;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Tests.Recovery;

public sealed class ChangeLogGrainTests(ITestOutputHelper output)
{
    private static void FastRecovery(ObjectStoreGrainServices services)
    {
        services.Recovery.ReminderPeriod = FastPeriod;
        services.Recovery.BatchSize = 3;
    }

    [Fact]
    public Task After_a_silo_crash_mid_large_writes_every_blob_is_referenced_and_every_acknowledged_write_readable() =>
        CrashAsync(GrainsCluster.StartAsync(3, FastRecovery), "in-memory stores");

    [Fact]
    public Task After_a_silo_crash_on_PostgreSQL_and_S3_every_blob_is_referenced_and_every_acknowledged_write_readable() =>
        CrashAsync(GrainsCluster.StartPostgresAsync(3, FastRecovery), "PostgreSQL HV and change log, S3 LT");

    /// <summary>
    /// On the silo to be killed: some large writes committed (acknowledged), some begun with their blobs uploaded but
    /// never committed; survivors hold committed objects too. Kill it (its job loop dropped, as in a crash): the
    /// change-log grain, woken by its reminder on a survivor, deletes the uncommitted blobs. Reports how long that took.
    /// </summary>
    private async Task CrashAsync(Task<GrainsCluster> starting, string mode)
    {
        await using var cluster = await starting;
        await ObjectStoreGrains.StartMaintenanceAsync(cluster.Silos[0].GrainFactory, CancellationToken.None);
        var victim = cluster.Silos[2];
        var acknowledged = new Dictionary<ObjectId, byte[]>();
        var onVictim = new List<ObjectId>();
        for (var i = 0; i < 4; i++)
        {
            var id = await cluster.IdOwnedByAsync(victim, "committed");
            onVictim.Add(id);
            acknowledged[id] = Gateway.Body(i, 2000 + i);
            await Gateway.PutAsync(cluster.Object(id, i % 3), cluster.LongTerm, acknowledged[id]);
        }
        for (var i = 0; i < 2; i++)
        {
            var id = await cluster.IdOwnedByAsync(cluster.Silos[i], "survivor");
            acknowledged[id] = Gateway.Body(10 + i, 3000);
            await Gateway.PutAsync(cluster.Object(id, 2), cluster.LongTerm, acknowledged[id]);
        }
        var pending = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // The first two overwrite acknowledged objects and never commit; the others are new keys.
            var id = i < 2 ? onVictim[i] : await cluster.IdOwnedByAsync(victim, "pending");
            var ticket = await cluster.Object(id, 0).BeginLargeWrite(Gateway.Metadata());
            await Gateway.UploadAsync(cluster.LongTerm, id, ticket, Gateway.Body(100 + i, 2500));
            pending.Add(Gateway.Revision(id, ticket).StoragePath);
        }
        var ids = acknowledged.Keys.ToList();
        Assert.Equal(acknowledged.Count + pending.Count, (await cluster.AllBlobsAsync()).Count);

        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(victim);
        await UntilAsync(async () => (await UnreferencedBlobsAsync(cluster, ids)).Count == 0, "recovery deletes every unreferenced blob", 30_000);
        var recovered = clock.Elapsed;
        output.WriteLine($"Recovery after a silo crash ({mode}): {recovered.TotalMilliseconds:F0} ms with a {FastPeriod.TotalMilliseconds:F0} ms reminder period");

        foreach (var (id, body) in acknowledged) Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id, 1), cluster.LongTerm));
        var remaining = await cluster.AllBlobsAsync();
        Assert.Equal(acknowledged.Count, remaining.Count);
        Assert.Empty(remaining.Intersect(pending));
        // The reminder's runs that claimed the victim's entries are what an operator reads back.
        var last = await cluster.Silos[0].GrainFactory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key).LastRun();
        Assert.NotNull(last);
        Assert.True(last.Claimed > 0 && last.FinishedAt is not null, $"last run: {last}");
    }

    // The shortest period the test cluster's reminder service takes.
    private static readonly TimeSpan FastPeriod = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Recovery_leaves_the_entries_of_live_silos_alone()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = new ObjectId("grains", Scopes.Empty, "in-flight");
        var ticket = await cluster.Object(id).BeginLargeWrite(Gateway.Metadata());
        var body = Gateway.Body(1, 2000);
        await Gateway.UploadAsync(cluster.LongTerm, id, ticket, body);

        var recovery = cluster.Silos[1].GrainFactory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key);
        var run = await recovery.RecoverNow();
        await cluster.Object(id, 1).CommitLargeWrite(ticket, body.Length);

        Assert.Equal(0, run.Claimed);
        Assert.Null(await recovery.LastRun());
        Assert.Equal(body, await Gateway.ReadAsync(cluster.Object(id, 1), cluster.LongTerm));
    }

    [Fact]
    public async Task The_last_run_that_claimed_entries_is_kept_in_grain_state_and_survives_deactivation()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var recovery = cluster.Silos[1].GrainFactory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key);
        Assert.Null(await recovery.LastRun());
        // Large writes begun by a silo that is not in the cluster (any more) and never committed: orphaned entries.
        await using var goneJobs = new BackgroundJobLoop();
        var gone = new TieredStorage(cluster.HighVolume, cluster.LongTerm, cluster.ChangeLog, goneJobs,
            new TieredStorageOptions { InlineThreshold = GrainsCluster.InlineThreshold, Owner = "gone-silo" });
        var orphaned = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var write = await gone.BeginLargeWriteAsync(new ObjectId("grains", Scopes.Empty, $"orphaned-{i}"), CancellationToken.None);
            await cluster.LongTerm.PutAsync(write.Revision, new ObjectMetadata(), new MemoryStream(Gateway.Body(i, 2000)), 2000, CancellationToken.None);
            orphaned.Add(write.Revision.StoragePath);
        }
        var startedAt = DateTimeOffset.UtcNow;

        var run = await recovery.RecoverNow();
        var nothingLeft = await recovery.RecoverNow();
        var last = await recovery.LastRun();
        await cluster.Cluster.DeactivateAsync(recovery);
        Assert.False(cluster.Cluster.TryGetGrainContext(recovery.GetGrainId(), out _), "the recovery grain was deactivated");
        var afterDeactivation = await recovery.LastRun();

        Assert.Equal((3, 3, 0), (run.Claimed, run.Cleaned, run.Failed));
        Assert.Equal(3, run.BlobDeletes);
        Assert.Equal(0, nothingLeft.Claimed);
        Assert.NotNull(last);
        Assert.InRange(last.FinishedAt!.Value, startedAt, DateTimeOffset.UtcNow);
        Assert.Equal(run, last);
        Assert.Equal(run, afterDeactivation);
        Assert.Empty((await cluster.AllBlobsAsync()).Intersect(orphaned));
    }

    /// <summary>LT blobs that no tombstone of <paramref name="ids"/> points at.</summary>
    private static async Task<List<string>> UnreferencedBlobsAsync(GrainsCluster cluster, IEnumerable<ObjectId> ids)
    {
        var referenced = new HashSet<string>();
        foreach (var id in ids)
        {
            var row = await cluster.HighVolume.ReadMetadataAsync(id, DateTimeOffset.UtcNow, CancellationToken.None);
            if (row.Tombstone is { } t) referenced.Add(t.Target.StoragePath);
        }
        return (await cluster.AllBlobsAsync()).Where(b => !referenced.Contains(b)).ToList();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, int timeoutMs)
    {
        var until = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > until) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}
