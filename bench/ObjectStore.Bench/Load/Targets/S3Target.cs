using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>An S3 endpoint alone: PutObject (multipart with the workload's part size and concurrency for large objects), GetObject, DeleteObject.</summary>
internal sealed class S3Target : ILoadTarget
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;

    private S3Target(string uri, AmazonS3Client client, string bucket)
    {
        Uri = uri;
        _client = client;
        _bucket = bucket;
    }

    public string Kind => "s3";
    public string Uri { get; }
    public bool SupportsBatch => false;
    public long? MaxObjectSize => null;

    /// <summary>Connects to <paramref name="endpoint"/> (path style, key/secret "testing", us-east-1) and creates <paramref name="bucket"/> if missing.</summary>
    public static async Task<S3Target> CreateAsync(string uri, string endpoint, string bucket, int concurrency, CancellationToken ct)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint,
            AuthenticationRegion = "us-east-1",
            ForcePathStyle = true,
            // As the product's LT store: checksums only where S3 demands them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxConnectionsPerServer = Math.Max(1, concurrency),
        };
        var client = new AmazonS3Client(new BasicAWSCredentials("testing", "testing"), config);
        try
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
        return new S3Target(uri, client, bucket);
    }

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        var key = $"{spec.Name}/{ObjectStoreTarget.Scopes(item.Organization)}/{item.Seed:x16}";
        if (spec.Multipart is { } multipart && item.Size > multipart.PartSize)
        {
            await WriteMultipartAsync(key, multipart, item, ct);
        }
        else
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                InputStream = new PayloadStream(item.Seed, 0, item.Size),
                AutoCloseStream = true,
            }, ct);
        }
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = stored.Key }, ct);
        await Payload.VerifyStreamAsync($"read {stored.Key}", response.ResponseStream, stored.Seed, stored.Size, ct);
    }

    public Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct) =>
        _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = stored.Key }, ct);

    public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct) =>
        throw new NotSupportedException("s3 has no batch requests");

    public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) =>
        throw new NotSupportedException("s3 has no batch requests");

    private async Task WriteMultipartAsync(string key, MultipartSpec multipart, ObjectToWrite item, CancellationToken ct)
    {
        var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key }, ct);
        try
        {
            var partCount = (int)((item.Size + multipart.PartSize - 1) / multipart.PartSize);
            var etags = new PartETag[partCount];
            await Parallel.ForEachAsync(Enumerable.Range(1, partCount), new ParallelOptions { MaxDegreeOfParallelism = multipart.Concurrency, CancellationToken = ct }, async (number, token) =>
            {
                var start = (number - 1) * multipart.PartSize;
                var length = Math.Min(multipart.PartSize, item.Size - start);
                var response = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    PartSize = length,
                    InputStream = new PayloadStream(item.Seed, start, length),
                }, token);
                etags[number - 1] = new PartETag(number, response.ETag);
            });
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = [.. etags],
            }, ct);
        }
        catch
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = upload.UploadId }, CancellationToken.None);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
