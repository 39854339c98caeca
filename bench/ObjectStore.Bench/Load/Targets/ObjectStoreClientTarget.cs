using ObjectStore.Client;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>
/// The product through its .NET SDK (ObjectStore.Client) instead of hand-written HTTP: the same operations, keys and
/// payloads as <see cref="ObjectStoreTarget"/>, so the two compare the SDK's overhead at equal load.
/// </summary>
internal sealed class ObjectStoreClientTarget : ILoadTarget
{
    private readonly ObjectStoreClient _client;
    private readonly Compression _compression;

    /// <param name="uri">The target URI, for reports.</param>
    /// <param name="baseUrl">The server's base URL.</param>
    /// <param name="compression">The uploads' compression: none sends the raw target's bytes; zstd is the SDK's default.</param>
    public ObjectStoreClientTarget(string uri, string baseUrl, Compression compression)
    {
        Uri = uri;
        _compression = compression;
        // Only the retry budget differs from the defaults: a bench run counts a failure instead of hiding it.
        _client = new ObjectStoreClient(new ObjectStoreClientOptions { BaseAddress = new System.Uri(baseUrl), MaxRetries = 0 });
    }

    public string Kind => _compression == Compression.Zstd ? "sdk+zstd" : "sdk";
    public string Uri { get; }
    public bool SupportsBatch => true;
    public long? MaxObjectSize => null;

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        var session = Session(spec, item.Organization);
        await using var payload = new PayloadStream(item.Seed, 0, item.Size);
        var key = spec.Multipart is { } multipart && item.Size > multipart.PartSize
            ? await session.UploadMultipartAsync(payload, cancellationToken: ct)
            : await session.PutAsync(payload, cancellationToken: ct);
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        await using var response = await Session(spec, stored.Organization).GetAsync(stored.Key, cancellationToken: ct)
            ?? throw new LoadHttpException($"read {stored.Key}: not found");
        await Payload.VerifyStreamAsync($"read {stored.Key}", response.Content, stored.Seed, stored.Size, ct);
    }

    public Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct) =>
        Session(spec, stored.Organization).DeleteAsync(stored.Key, ct);

    public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct)
    {
        // ManyAsync takes inserts as bytes in memory; the raw target streams the same bytes from the seeds.
        var operations = items.Select(i =>
        {
            var bytes = new byte[i.Size];
            Payload.Fill(i.Seed, 0, bytes);
            return BatchOperation.Insert(bytes, new PutOptions { Key = ObjectStoreTarget.BatchKey(i.Seed) });
        }).ToList();
        return ManyAsync(spec, organization, operations, items.Select(i => new StoredObject(organization, ObjectStoreTarget.BatchKey(i.Seed), i.Size, i.Seed)).ToList(), ct);
    }

    public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) =>
        ManyAsync(spec, organization, items.Select(i => BatchOperation.Delete(i.Key)).ToList(), items, ct);

    private async Task<BatchOutcome> ManyAsync(LoadSpec spec, int organization, IReadOnlyList<BatchOperation> operations,
        IReadOnlyList<StoredObject> items, CancellationToken ct)
    {
        var succeeded = new List<StoredObject>(items.Count);
        var failures = 0;
        string? firstError = null;
        await foreach (var result in Session(spec, organization).ManyAsync(operations, ct))
        {
            if (result.Succeeded)
            {
                succeeded.Add(items[result.Index]);
                continue;
            }
            failures++;
            firstError ??= $"batch operation {result.Index}: {result.Error!.Message}";
        }
        var missing = items.Count - succeeded.Count - failures;
        if (missing > 0)
        {
            failures += missing;
            firstError ??= $"the SDK returned no result for {missing} of {items.Count} operations";
        }
        return new BatchOutcome(succeeded, failures, firstError);
    }

    private ObjectStoreSession Session(LoadSpec spec, int organization) =>
        _client.Session(
            new Usecase(spec.Name)
            {
                Compression = _compression,
                Expiration = spec.Ttl is { } ttl ? ExpirationPolicy.TimeToLive(ttl) : ExpirationPolicy.Manual,
            },
            ("org", organization.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("project", organization.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
