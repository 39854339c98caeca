using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.HighVolume;

/// <summary>The HV contract on a SQLite file, plus what only a file can show.</summary>
public sealed class SqliteHighVolumeStoreTests : HighVolumeStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override async Task<IHighVolumeStore> CreateStoreAsync()
    {
        var store = new SqliteHighVolumeStore(_dir.File("hv.db"));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Rows_survive_reopening_the_file()
    {
        Assert.Null(await Store.PutInlineUnlessTombstoneAsync(Id("durable"), Meta(), new byte[] { 1, 2, 3 }, Now, CancellationToken.None));
        var reopened = new SqliteHighVolumeStore(_dir.File("hv.db"));
        await reopened.InitializeAsync(CancellationToken.None);
        var entry = await reopened.ReadAsync(Id("durable"), null, Now, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, entry.Payload.ToArray());
    }

    [Fact]
    public async Task Two_store_instances_on_one_file_still_have_one_winner_per_round()
    {
        var other = new SqliteHighVolumeStore(_dir.File("hv.db"));
        IHighVolumeStore[] stores = [Store, other];
        ObjectId? current = null;
        for (var round = 0; round < 5; round++)
        {
            var expected = current;
            var targets = Enumerable.Range(0, 8).Select(w => Id($"k/rev-{round}-{w}")).ToArray();
            var results = await Task.WhenAll(targets.Select((target, w) => Task.Run(() => stores[w % 2].CompareAndWriteAsync(
                Id("k"), expected, new TieredWrite.WriteTombstone(Tomb(target)), Now, CancellationToken.None))));
            Assert.Single(results, r => r);
            current = targets[Array.IndexOf(results, true)];
            Assert.Equal(current, (await other.ReadMetadataAsync(Id("k"), Now, CancellationToken.None)).Tombstone!.Target);
        }
    }

    [Fact]
    public async Task Key_that_is_not_valid_unicode_is_rejected_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.PutInlineUnlessTombstoneAsync(Id("bad\ud800"), Meta(), new byte[] { 1 }, Now, CancellationToken.None));
        Assert.Contains("not valid Unicode", error.Message);
    }
}
