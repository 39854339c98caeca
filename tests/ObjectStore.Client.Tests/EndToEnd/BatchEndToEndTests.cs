namespace ObjectStore.Client.Tests.EndToEnd;

/// <summary>Batches (<see cref="ObjectStoreSession.ManyAsync"/>) against the real server: splitting, mixing, completion order, identity.</summary>
[Collection(ServerCollection.Name)]
public sealed class BatchEndToEndTests(ServerFixture server) : IDisposable
{
    private readonly ObjectStoreClient _client = new(server.Options());

    private ObjectStoreSession Session => _client.Session(new Usecase("batch-usecase"), ("org", "7"));

    [Fact]
    public async Task Twelve_hundred_inserts_then_gets_heads_and_deletes_round_trip_with_each_operations_identity()
    {
        const int count = 1200;
        var prefix = Guid.NewGuid().ToString("N");
        var inserts = Enumerable.Range(0, count)
            .Select(i => BatchOperation.Insert(System.Text.Encoding.UTF8.GetBytes($"payload {i}"), new PutOptions { Key = $"{prefix}/{i}" }))
            .ToList();

        var inserted = await CollectAsync(Session.ManyAsync(inserts));

        Assert.Equal(count, inserted.Count);
        Assert.All(inserted, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(Enumerable.Range(0, count), inserted.Select(r => r.Index).Order());
        Assert.All(inserted, r => Assert.Equal($"{prefix}/{r.Index}", r.Key));

        var reads = Enumerable.Range(0, count).Select(i => i % 2 == 0 ? BatchOperation.Get($"{prefix}/{i}") : BatchOperation.Head($"{prefix}/{i}"))
            .Append(BatchOperation.Get($"{prefix}/missing")).ToList();
        var read = await CollectAsync(Session.ManyAsync(reads));

        Assert.Equal(count + 1, read.Count);
        foreach (var result in read)
        {
            Assert.True(result.Succeeded, result.Error?.Message);
            if (result.Index == count)
            {
                Assert.True(result.NotFound);
                continue;
            }
            Assert.Same(reads[result.Index], result.Operation);
            Assert.NotNull(result.Metadata);
            if (result.Operation.Kind == BatchOperationKind.Get)
                Assert.Equal($"payload {result.Index}", System.Text.Encoding.UTF8.GetString(result.Payload.Span));
        }

        var deleted = await CollectAsync(Session.ManyAsync(Enumerable.Range(0, count).Select(i => BatchOperation.Delete($"{prefix}/{i}"))));
        Assert.All(deleted, r => Assert.Equal(204, r.StatusCode));
        Assert.Null(await Session.HeadAsync($"{prefix}/0"));
    }

    [Fact]
    public async Task A_mix_of_generated_keys_large_inserts_and_reads_reports_each_outcome()
    {
        var large = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(large);
        var key = Guid.NewGuid().ToString("N");
        var operations = new List<BatchOperation>
        {
            BatchOperation.Insert("generated"u8.ToArray()) with { State = "generated" },
            BatchOperation.Insert(large, new PutOptions { Key = key + "-large", ContentType = "application/x-test" }),
            BatchOperation.Insert("small"u8.ToArray(), new PutOptions { Key = key, Metadata = new Dictionary<string, string> { ["n"] = "1" } }),
        };

        var results = await CollectAsync(Session.ManyAsync(operations));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        var generated = results.Single(r => Equals(r.Operation.State, "generated"));
        Assert.True(Guid.TryParse(generated.Key, out _));
        await using (var big = await Session.GetAsync(key + "-large"))
        {
            Assert.Equal(large, await big!.ReadAllBytesAsync());
            Assert.Equal("application/x-test", big.Metadata.ContentType);
        }
        var metadata = (await CollectAsync(Session.ManyAsync([BatchOperation.Head(key)]))).Single().Metadata;
        Assert.Equal("1", metadata!.Custom["n"]);
    }

    [Fact]
    public async Task A_forbidden_operation_fails_alone()
    {
        using var readOnly = new ObjectStoreClient(server.Options(o => o.SigningKey = new ObjectStoreSigningKey
        {
            KeyId = ServerFixture.KeyId,
            PrivateKeyPem = server.PrivateKeyPem,
            Permissions = ObjectStorePermissions.Read,
        }));
        var key = await Session.PutAsync("x"u8.ToArray());

        var results = await CollectAsync(readOnly.Session(new Usecase("batch-usecase"), ("org", "7"))
            .ManyAsync([BatchOperation.Get(key), BatchOperation.Delete(key)]));

        Assert.True(results.Single(r => r.Operation.Kind == BatchOperationKind.Get).Succeeded);
        var delete = results.Single(r => r.Operation.Kind == BatchOperationKind.Delete);
        Assert.Equal(403, delete.StatusCode);
        Assert.Equal(403, Assert.IsType<ObjectStoreException>(delete.Error).StatusCode);
    }

    private static async Task<List<BatchResult>> CollectAsync(IAsyncEnumerable<BatchResult> results)
    {
        var list = new List<BatchResult>();
        await foreach (var result in results) list.Add(result);
        return list;
    }

    public void Dispose() => _client.Dispose();
}
