using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3.Model;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>S3 stores for tests, each on a fresh bucket of the shared moto server, with their requests recorded by type.</summary>
internal sealed class S3TestStores : IDisposable
{
    private readonly List<S3LongTermStore> _stores = [];

    /// <summary>Type names of the S3 requests sent so far (e.g. <c>UploadPartRequest</c>).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A store with a 10-key list page, so small tests cross pages.</summary>
    public async Task<S3LongTermStore> CreateAsync()
    {
        var server = await MotoS3Server.Shared;
        var bucket = MotoS3Server.UniqueBucketName("lt");
        var store = new S3LongTermStore(new S3LongTermStoreOptions
        {
            ServiceUrl = server.Endpoint, Bucket = bucket, Region = MotoS3Server.Region, ForcePathStyle = true,
            AccessKey = MotoS3Server.AccessKey, SecretKey = MotoS3Server.SecretKey, ListPageSize = 10,
        });
        _stores.Add(store);
        await store.Client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await store.InitializeAsync(CancellationToken.None);
        store.Client.BeforeRequestEvent += (_, args) =>
            Requests.Enqueue(args is WebServiceRequestEventArgs request ? request.Request.GetType().Name : args.GetType().Name);
        return store;
    }

    /// <summary>How many requests of this type were sent.</summary>
    public int Count(string requestType) => Requests.Count(r => r == requestType);

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
    }
}
