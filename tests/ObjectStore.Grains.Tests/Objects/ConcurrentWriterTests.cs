using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Objects;

public sealed class ConcurrentWriterTests(ITestOutputHelper output)
{
    [Fact]
    public Task Concurrent_small_and_large_writers_through_three_silos_leave_one_writers_value_and_no_leaked_blob() =>
        RunAsync(GrainsCluster.StartAsync(3), writers: 30);

    [Fact]
    public Task Concurrent_writers_on_PostgreSQL_and_S3_leave_one_writers_value_and_no_leaked_blob() =>
        RunAsync(GrainsCluster.StartPostgresAsync(3), writers: 12);

    /// <summary>
    /// Every writer puts a body naming itself (every third one large) through silo i % 3, all at once, twice over.
    /// The object ends as exactly one writer's body; after every silo's cleanup ran, the only LT blob under the key is
    /// the tombstone's target (none when the winner was inline); the change log is empty; no CAS conflicted.
    /// </summary>
    private async Task RunAsync(Task<GrainsCluster> starting, int writers)
    {
        await using var cluster = await starting;
        var id = new ObjectId("grains", Scopes.Parse("org=7"), $"contended/{Guid.NewGuid():N}");
        var bodies = Enumerable.Range(0, writers).Select(i => Gateway.Body(i, i % 3 == 0 ? 2500 + i : 200 + i)).ToArray();

        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(bodies.Select((body, i) => Task.Run(() => Gateway.PutAsync(cluster.Object(id, i % 3), cluster.LongTerm, body))));
            await cluster.JoinAllAsync();

            var final = await Gateway.ReadAsync(cluster.Object(id, round % 3), cluster.LongTerm);
            Assert.NotNull(final);
            Assert.Contains(bodies, b => b.AsSpan().SequenceEqual(final));
            var row = await cluster.HighVolume.ReadMetadataAsync(id, DateTimeOffset.UtcNow, CancellationToken.None);
            var expected = row.Tombstone is { } t ? new[] { t.Target.StoragePath } : [];
            Assert.Equal(expected, await cluster.RevisionBlobsAsync(id));
        }

        var entries = new List<Storage.ChangeLog.ChangeEntry>();
        await foreach (var entry in cluster.ChangeLog.ListAsync(CancellationToken.None)) entries.Add(entry);
        Assert.Empty(entries);
        Assert.Equal(0, cluster.CasConflicts);
        output.WriteLine($"large writes superseded in the grain's turn: {cluster.BySilo.Values.Sum(s => s.Services.Stats.Superseded)}");
    }
}
