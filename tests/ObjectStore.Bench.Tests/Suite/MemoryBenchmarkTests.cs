using System.Security.Cryptography;
using ObjectStore.Bench.Suite.Memory;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class MemoryBenchmarkTests
{
    [Fact]
    public async Task Created_lt_entries_are_listed_by_the_filesystem_store()
    {
        var root = Path.Combine(Path.GetTempPath(), $"lt-entries-{Guid.NewGuid():N}");
        try
        {
            await MemoryBenchmark.CreateEntriesAsync(root, 2_500, CancellationToken.None);

            var store = new FileSystemLongTermStore(root);
            var listed = new HashSet<string>();
            await foreach (var blob in store.ListAsync("", CancellationToken.None)) Assert.True(listed.Add(blob.StoragePath));
            Assert.Equal(2_500, listed.Count);
            Assert.Contains("memory/org.7/objects/entry-2007", listed);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_generated_payload_is_the_same_bytes_for_the_same_seed_and_hashes_what_it_handed_out()
    {
        var size = 3 * 1024 * 1024 + 5;
        using var payload = new GeneratedPayload(size, 7);
        using var copy = new MemoryStream();
        payload.CopyTo(copy, 65536);

        Assert.Equal(size, copy.Length);
        Assert.Equal(SHA256.HashData(copy.ToArray()), payload.Hash());
        Assert.Equal(payload.Hash(), GeneratedPayload.HashOf(size, 7));
        Assert.NotEqual(payload.Hash(), GeneratedPayload.HashOf(size, 8));
    }

    [Fact]
    public void A_payload_not_read_to_its_end_has_no_hash()
    {
        using var payload = new GeneratedPayload(100, 1);
        payload.ReadExactly(new byte[50]);
        Assert.Throws<InvalidOperationException>(() => payload.Hash());
    }
}
