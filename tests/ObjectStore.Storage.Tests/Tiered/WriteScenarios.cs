using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>Plain writes, deletes and reads: the happy paths of each protocol branch.</summary>
public abstract partial class TieredScenarios
{
    [Fact]
    public async Task Small_write_is_stored_inline_without_any_blob_or_change_entry()
    {
        var data = Bytes(100);
        Assert.Equal(WriteOutcome.Written, await PutAsync(data));
        await AssertSettledAsync(data);
        Assert.Equal(0, Lt.Deletes);
    }

    [Fact]
    public async Task Large_write_creates_a_tombstone_at_a_revision_key()
    {
        var data = Large();
        Assert.Equal(WriteOutcome.Written, await PutAsync(data, new ObjectMetadata { ContentType = "image/png" }));
        await AssertSettledAsync(data);
        var target = await TargetAsync();
        Assert.Equal(Id.Usecase, target.Usecase);
        Assert.Equal(Id.Scopes, target.Scopes);
        Assert.StartsWith(Id.Key + "/", target.Key);
        Assert.Equal(7, Guid.Parse(target.Key[(Id.Key.Length + 1)..]).Version);
        Assert.Equal("image/png", (await Storage.HeadAsync(Id, Ct))!.ContentType);
    }

    [Fact]
    public async Task Small_over_large_swaps_the_tombstone_and_cleans_the_old_blob()
    {
        await PutAsync(Large());
        var small = Bytes(10, 2);
        Assert.Equal(WriteOutcome.Written, await PutAsync(small));
        await AssertSettledAsync(small);
    }

    [Fact]
    public async Task Large_over_large_writes_a_new_revision_and_cleans_the_old_one()
    {
        await PutAsync(Large(1));
        var first = await TargetAsync();
        var second = Large(2);
        Assert.Equal(WriteOutcome.Written, await PutAsync(second));
        await AssertSettledAsync(second);
        Assert.NotEqual(first, await TargetAsync());
    }

    [Fact]
    public async Task Large_over_small_replaces_the_inline_row_with_a_tombstone()
    {
        await PutAsync(Bytes(10));
        var large = Large();
        await PutAsync(large);
        await AssertSettledAsync(large);
    }

    [Fact]
    public async Task Delete_of_an_inline_object_removes_the_row()
    {
        await PutAsync(Bytes(10));
        await Storage.DeleteAsync(Id, Ct);
        await AssertSettledAsync(null);
        await Storage.DeleteAsync(Id, Ct);
        await AssertSettledAsync(null);
    }

    [Fact]
    public async Task Delete_of_a_large_object_removes_the_tombstone_and_its_blob()
    {
        await PutAsync(Large());
        await Storage.DeleteAsync(Id, Ct);
        await AssertSettledAsync(null);
        Assert.Null(await Storage.HeadAsync(Id, Ct));
    }

    [Fact]
    public async Task Ranges_are_served_from_both_tiers()
    {
        var small = Bytes(100);
        await PutAsync(small);
        await using (var inline = await Storage.GetAsync(Id, ByteRange.Bounded(10, 19), Ct))
        {
            Assert.Equal(new ContentRange(10, 19, 100), inline!.Range);
            Assert.Equal(small[10..20], inline.InlinePayload!.Value.ToArray());
        }
        var large = Large();
        await PutAsync(large);
        await using var blob = await Storage.GetAsync(Id, ByteRange.Suffix(5), Ct);
        Assert.Equal(new ContentRange(large.Length - 5, large.Length - 1, large.Length), blob!.Range);
        var tail = new MemoryStream();
        await blob.Content.CopyToAsync(tail, Ct);
        Assert.Equal(large[^5..], tail.ToArray());
    }

    [Fact]
    public async Task Orphan_tombstone_reads_as_not_found()
    {
        await PutAsync(Large());
        await Lt.Inner.DeleteAsync(await TargetAsync(), Ct);
        Assert.Null(await Storage.GetAsync(Id, null, Ct));
        Assert.Equal(EntryKind.Tombstone, (await RowAsync()).Kind);
    }

    [Theory]
    [InlineData(Threshold - 1)]
    [InlineData(Threshold)]
    [InlineData(Threshold + 1)]
    [InlineData(3 * Threshold + 17)]
    public async Task Payload_arriving_in_tiny_chunks_lands_in_the_right_tier(int size)
    {
        var data = Bytes(size, size);
        var trickle = new TrickleStream(data);
        await Storage.PutAsync(Id, new ObjectMetadata(), trickle, null, Ct);
        Assert.InRange(trickle.LargestRead, 1, 7);
        await AssertSettledAsync(data);
        Assert.Equal(size, (await Storage.HeadAsync(Id, Ct))!.Size);
    }

    /// <summary>Notes how far the caller's stream was consumed when LT started receiving the blob.</summary>
    private sealed class CaptureSourcePositionBeforePut(Stream source) : LongTermHooks
    {
        public long? Seen { get; private set; }

        public override ValueTask BeforePut(ObjectId id)
        {
            Seen = source.Position;
            return default;
        }
    }

    [Fact]
    public async Task Large_put_buffers_at_most_threshold_plus_one_byte_before_streaming_to_LT()
    {
        var data = Bytes(2 * Threshold + 5);
        var source = new TrickleStream(data);
        var capture = new CaptureSourcePositionBeforePut(source);
        Lt.Hooks = capture;
        await Storage.PutAsync(Id, new ObjectMetadata(), source, null, Ct);
        Assert.Equal(Threshold + 1, capture.Seen);
        await AssertSettledAsync(data);
    }

    [Fact]
    public async Task Split_large_write_commits_what_the_caller_streamed()
    {
        var data = Large();
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        var metadata = write.Stamp(new ObjectMetadata { Origin = "gateway" });
        await Lt.PutAsync(write.Revision, metadata, new MemoryStream(data), data.Length, Ct);
        Assert.Equal(EntryKind.NotFound, (await RowAsync()).Kind);
        Assert.Equal(WriteOutcome.Written, await write.CommitAsync(metadata, data.Length, Ct));
        await AssertSettledAsync(data);
        Assert.Equal(write.Revision, await TargetAsync());
        Assert.Equal("gateway", (await Storage.HeadAsync(Id, Ct))!.Origin);
        await Assert.ThrowsAsync<InvalidOperationException>(() => write.CommitAsync(metadata, data.Length, Ct));
    }

    [Fact]
    public async Task Abandoned_split_write_deletes_its_blob_on_dispose()
    {
        await PutAsync(Large(1));
        var before = await TargetAsync();
        var write = await Storage.BeginLargeWriteAsync(Id, Ct);
        await Lt.PutAsync(write.Revision, write.Stamp(new ObjectMetadata()), new MemoryStream(Large(2)), null, Ct);
        await write.DisposeAsync();
        await AssertSettledAsync(Large(1));
        Assert.Equal(before, await TargetAsync());
    }
}
