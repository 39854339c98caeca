using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Uploads;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Uploads;

public sealed class UploadSessionGrainTests
{
    private static readonly ObjectId Id = new("grains", Scopes.Parse("org=1"), "upload");
    private static string Key => ObjectContract.GrainKey(Id);

    private static IUploadSessionGrain Session(GrainsCluster cluster, string token) => cluster.Silos[0].GrainFactory.GetGrain<IUploadSessionGrain>(token);

    /// <summary>What the gateway does with a chunk of a large session: begin, stream into the part, end.</summary>
    private static async Task<UploadStep> SendPartAsync(GrainsCluster cluster, IUploadSessionGrain session, long offset, byte[] bytes)
    {
        var step = await session.BeginChunk(Key, offset, bytes.Length);
        if (step.Kind != UploadStepKind.StreamPart) return step;
        var etag = await cluster.StorageOf(cluster.Silos[0]).Storage.UploadPartAsync(Id, step.UploadId!, step.PartNumber, new MemoryStream(bytes), bytes.Length, null, CancellationToken.None);
        return await session.EndChunk(Key, new UploadChunk { PartNumber = step.PartNumber, ETag = etag, Offset = offset, Size = bytes.Length });
    }

    [Fact]
    public async Task An_abandoned_large_session_expires_and_its_parts_are_discarded()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var session = Session(cluster, "expire-large");
        await session.Create(Key, new ObjectInfo(), 3 * GrainsCluster.InlineThreshold);
        var begun = await session.BeginChunk(Key, 0, GrainsCluster.InlineThreshold);
        Assert.Equal(UploadStepKind.StreamPart, begun.Kind);
        Assert.Equal(UploadStepKind.Continue, (await SendPartAsync(cluster, session, 0, new byte[GrainsCluster.InlineThreshold])).Kind);
        var uploadId = begun.UploadId!;
        Assert.NotEmpty((await cluster.StorageOf(cluster.Silos[0]).Storage.ListPartsAsync(Id, uploadId, null, null, CancellationToken.None)).Parts);

        clock.Advance(new ObjectGrainOptions().UploadSessionLifetime + TimeSpan.FromSeconds(1));

        var gone = await session.Query(Key);
        Assert.Equal(UploadStepKind.Gone, gone.Kind);
        await Assert.ThrowsAsync<UploadNotFoundException>(() =>
            cluster.StorageOf(cluster.Silos[0]).Storage.ListPartsAsync(Id, uploadId, null, null, CancellationToken.None));
        Assert.Equal(UploadStepKind.Gone, (await session.BeginChunk(Key, GrainsCluster.InlineThreshold, 1)).Kind);
        Assert.Null(await cluster.Object(Id).Head());
    }

    [Fact]
    public async Task A_chunk_keeps_a_session_alive_and_a_small_one_expires_after_its_last_chunk()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var cluster = await GrainsCluster.StartAsync(1, time: clock);
        var lifetime = new ObjectGrainOptions().UploadSessionLifetime;
        var session = Session(cluster, "expire-small");
        await session.Create(Key, new ObjectInfo(), 10);
        clock.Advance(lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(UploadStepKind.SendInline, (await session.BeginChunk(Key, 0, 4)).Kind);
        Assert.Equal(UploadStepKind.Continue, (await session.AppendInline(Key, 0, new byte[4])).Kind);
        clock.Advance(lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(4, (await session.Query(Key)).Offset);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(UploadStepKind.Gone, (await session.AppendInline(Key, 4, new byte[6])).Kind);
        Assert.Null(await cluster.Object(Id).Head());
    }

    [Fact]
    public async Task Racing_attempts_at_one_offset_get_distinct_parts_and_only_the_first_to_finish_is_assembled()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var session = Session(cluster, "race");
        var size = GrainsCluster.InlineThreshold;
        await session.Create(Key, new ObjectInfo(), 2L * size);
        var storage = cluster.StorageOf(cluster.Silos[0]).Storage;
        var first = await session.BeginChunk(Key, 0, size);
        var second = await session.BeginChunk(Key, 0, size);
        Assert.NotEqual(first.PartNumber, second.PartNumber);
        var a = Enumerable.Repeat((byte)'a', size).ToArray();
        var b = Enumerable.Repeat((byte)'b', size).ToArray();
        var etagB = await storage.UploadPartAsync(Id, second.UploadId!, second.PartNumber, new MemoryStream(b), size, null, CancellationToken.None);
        var etagA = await storage.UploadPartAsync(Id, first.UploadId!, first.PartNumber, new MemoryStream(a), size, null, CancellationToken.None);
        Assert.Equal(UploadStepKind.Continue, (await session.EndChunk(Key, new UploadChunk { PartNumber = second.PartNumber, ETag = etagB, Offset = 0, Size = size })).Kind);
        var late = await session.EndChunk(Key, new UploadChunk { PartNumber = first.PartNumber, ETag = etagA, Offset = 0, Size = size });
        Assert.Equal(UploadStepKind.Mismatch, late.Kind);
        Assert.Equal(size, late.Offset);
        Assert.Equal(UploadStepKind.Committed, (await SendPartAsync(cluster, session, size, a)).Kind);

        var read = await cluster.Object(Id).Get();
        Assert.Equal(ObjectReadKind.LongTerm, read.Kind);
        var blob = await cluster.LongTerm.GetAsync(Id.WithKey(read.RevisionKey!), null, CancellationToken.None);
        using var stored = new MemoryStream();
        await blob!.Content.CopyToAsync(stored);
        Assert.Equal([.. b, .. a], stored.ToArray());
    }

    [Fact]
    public async Task A_session_refuses_another_key_and_a_second_create()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var session = Session(cluster, "bound");
        Assert.Equal(UploadStepKind.Unknown, (await session.Query(Key)).Kind);
        await session.Create(Key, new ObjectInfo(), 3);
        var other = ObjectContract.GrainKey(Id.WithKey("other"));
        Assert.Equal(UploadStepKind.Unknown, (await session.BeginChunk(other, 0, 3)).Kind);
        Assert.Equal(UploadStepKind.Unknown, (await session.Cancel(other)).Kind);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Create(Key, new ObjectInfo(), 3));
        Assert.Equal(UploadStepKind.PastLength, (await session.BeginChunk(Key, 2, 2)).Kind);
        Assert.Equal(UploadStepKind.Committed, (await session.AppendInline(Key, 0, "abc"u8.ToArray())).Kind);
        var read = await cluster.Object(Id).Get();
        Assert.Equal("abc"u8.ToArray(), read.Payload.ToArray());
    }
}
