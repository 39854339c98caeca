namespace ObjectStore.Storage.LongTerm;

/// <summary>Configuration of <see cref="S3LongTermStore"/>; every tunable with its default.</summary>
public sealed class S3LongTermStoreOptions
{
    /// <summary>S3 refuses multipart parts below 5 MiB (except the last).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>Endpoint URL of an S3-compatible service (MinIO, moto, …); null for AWS in <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The bucket holding the blobs; must exist.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>Region (also the signing region for custom endpoints). Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key; null to use the SDK's default credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret key matching <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), needed by most S3-compatible servers. Default false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Bytes per S3 part and per read-ahead range; also the single-PUT threshold. Default 5 MiB (the S3 minimum).</summary>
    public int PartSize { get; set; } = MinimumPartSize;

    /// <summary>Parts uploaded concurrently per write; a write holds at most PartSize × ParallelParts of payload. Default 4.</summary>
    public int ParallelParts { get; set; } = 4;

    /// <summary>Ranges fetched concurrently by reads longer than 2 × PartSize (1 turns read-ahead off). Default 4.</summary>
    public int ReadAheadParts { get; set; } = 4;

    /// <summary>Keys per ListObjectsV2 page (1..1000). Default 1,000.</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket)) throw new ArgumentException("S3 bucket must be set", nameof(Bucket));
        if (string.IsNullOrWhiteSpace(Region)) throw new ArgumentException("S3 region must be set", nameof(Region));
        if ((AccessKey is null) != (SecretKey is null)) throw new ArgumentException("S3 access key and secret key must be set together", nameof(AccessKey));
        if (ServiceUrl is not null && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _)) throw new ArgumentException($"S3 service URL '{ServiceUrl}' is not an absolute URL", nameof(ServiceUrl));
        if (PartSize < MinimumPartSize) throw new ArgumentException($"S3 part size must be at least {MinimumPartSize} bytes", nameof(PartSize));
        if (ParallelParts < 1) throw new ArgumentException("S3 parallel parts must be at least 1", nameof(ParallelParts));
        if (ReadAheadParts < 1) throw new ArgumentException("S3 read-ahead parts must be at least 1", nameof(ReadAheadParts));
        if (ListPageSize is < 1 or > 1000) throw new ArgumentException("S3 list page size must be between 1 and 1000", nameof(ListPageSize));
    }
}
