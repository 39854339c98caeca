using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>The LT contract on the in-memory store the scenario tests use, plus its own listing pages.</summary>
public sealed class InMemoryLongTermStoreTests : LongTermStoreContract
{
    protected override async Task<ILongTermStore> CreateStoreAsync()
    {
        var store = new InMemoryLongTermStore();
        await store.InitializeAsync(None);
        return store;
    }

    [Fact]
    public async Task Listing_pages_through_more_than_a_thousand_blobs_under_the_prefix_only()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 1203; i++) await PutAsync(store, Id($"a/{i:D5}"), [1]);
        await PutAsync(store, Id("b/0"), [1]);
        var prefix = Id("a/").StoragePath;
        var listed = (await ListAllAsync(store, prefix)).Select(b => b.StoragePath).ToList();
        Assert.Equal(1203, listed.Count);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.All(listed, p => Assert.StartsWith(prefix, p));
    }
}
