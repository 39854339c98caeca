using System.Buffers.Text;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Storage.Objects;
using ByteRange = ObjectStore.Storage.Objects.ByteRange;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// The LT store on S3 or any S3-compatible endpoint (key layout in <see cref="S3Keys"/>).
/// <list type="bullet">
/// <item>Write: <see cref="S3BlobWriter"/> — one PutObject when the payload fits in a part, else
/// multipart with at most ParallelParts pooled part buffers. Metadata travels as user metadata:
/// <c>x-amz-meta-objectstore</c> = base64url of the <see cref="MetadataCodec"/> bytes, so a metadata
/// read is one HEAD; the size is S3's content length. (AWS caps user metadata at 2 KB; objectstore
/// metadata is far smaller unless custom fields are huge.)</item>
/// <item>Read: HEAD (metadata, size, range resolution), then one ranged GET, or for more than
/// 2 × PartSize bytes an <see cref="S3ReadAheadStream"/> with ReadAheadParts ranges in flight.</item>
/// <item>List: ListObjectsV2 pages of ListPageSize, fetched only as the caller iterates; then the
/// long paths whose escaped head matches the prefix (one HEAD each, as their keys are not their
/// paths).</item>
/// <item>API multipart: objectstore accepts parts of any size, S3 multipart does not (5 MiB minimum
/// but for the last), so API parts are not S3 parts. Initiate writes the upload's sidecar object;
/// each API part is its own object (PUT streamed with its length, Content-MD5 and length checked
/// before the body ends; etag = quoted MD5 hex). Complete checks every listed etag against the
/// part objects (else <c>InvalidPart</c>, nothing written), then builds the blob: with any part of
/// 5 MiB or more through <see cref="S3PartAssembler"/> (server-side copies, small parts coalesced
/// into full S3 parts), otherwise by streaming the parts in order through
/// <see cref="S3BlobWriter"/>; every part read or copy is conditional on its etag. Then the
/// upload's objects are deleted. Abort deletes them too.</item>
/// </list>
/// </summary>
public sealed class S3LongTermStore : ILongTermStore, IDisposable
{
    private const string MetadataHeader = "objectstore";
    private const string PathHeader = "objectstore-path";
    private readonly S3LongTermStoreOptions _options;
    private readonly AmazonS3Client _client;
    private readonly PartBuffers _buffers;
    private readonly S3BlobWriter _writer;
    private readonly S3PartAssembler _assembler;
    private readonly ILogger _logger;

    /// <summary>Creates a store and its S3 client from validated options.</summary>
    public S3LongTermStore(S3LongTermStoreOptions options, ILogger<S3LongTermStore>? logger = null)
    {
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _client = CreateClient(options);
        _buffers = new PartBuffers(options.PartSize, retain: options.ParallelParts + options.ReadAheadParts);
        _writer = new S3BlobWriter(_client, options.Bucket, _buffers, options.ParallelParts, _logger);
        _assembler = new S3PartAssembler(_client, options.Bucket, _buffers, _writer, options.ParallelParts);
    }

    /// <summary>The S3 client (tests observe its requests).</summary>
    internal AmazonS3Client Client => _client;

    /// <summary>The bucket.</summary>
    internal string BucketName => _options.Bucket;

    private static AmazonS3Client CreateClient(S3LongTermStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Only checksum when S3 demands it: S3-compatible servers differ in flexible-checksum support.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return options.AccessKey is { } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, MaxKeys = 1 }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            throw new InvalidOperationException($"S3 bucket '{_options.Bucket}' is not usable: {e.ErrorCode} {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken)
    {
        var path = id.StoragePath;
        var (key, hashed) = S3Keys.ForPath(path);
        return _writer.WriteAsync(key, Describe(metadata, hashed ? path : null), content, sizeHint, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        var path = id.StoragePath;
        var (key, _) = S3Keys.ForPath(path);
        var metadata = await HeadAsync(key, path, cancellationToken);
        if (metadata is null) return null;
        var total = metadata.Size!.Value;
        ContentRange? resolved = null;
        if (range is { } requested)
        {
            resolved = requested.Resolve(total);
            if (resolved is null) return new LongTermObject(metadata, null, Stream.Null);
        }
        var start = resolved?.Start ?? 0;
        var length = resolved?.Length ?? total;
        if (length == 0) return new LongTermObject(metadata, resolved, Stream.Null);
        if (length > 2L * _options.PartSize && _options.ReadAheadParts > 1)
            return new LongTermObject(metadata, resolved, new S3ReadAheadStream(_client, _options.Bucket, key, start, length, _buffers, _options.ReadAheadParts));
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _options.Bucket, Key = key, ByteRange = resolved is null ? null : new Amazon.S3.Model.ByteRange(start, start + length - 1),
            }, cancellationToken);
            return new LongTermObject(metadata, resolved, response.ResponseStream);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // deleted between HEAD and GET
        }
    }

    /// <inheritdoc />
    public Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var path = id.StoragePath;
        return HeadAsync(S3Keys.ForPath(path).Key, path, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) =>
        _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = S3Keys.ForPath(id.StoragePath).Key }, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken) => ListAsync(prefix, null, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Two passes in one order: plain keys (the path is the key), then the hashed keys of paths S3 cannot hold. The
    /// position is the S3 key itself, so a position under the reserved prefix resumes in the second pass.
    /// </remarks>
    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var inLongPass = resumeAfter?.StartsWith(S3Keys.Reserved, StringComparison.Ordinal) == true;
        if (!prefix.StartsWith(S3Keys.Reserved, StringComparison.Ordinal) && !inLongPass)
        {
            await foreach (var s3Object in ListKeysAsync(prefix, resumeAfter, cancellationToken))
            {
                if (s3Object.Key.StartsWith(S3Keys.Reserved, StringComparison.Ordinal)) continue;
                yield return new BlobInfo(s3Object.Key, s3Object.Size ?? 0, LastModified(s3Object)) { ResumeAfter = s3Object.Key };
            }
        }
        await foreach (var s3Object in ListKeysAsync(S3Keys.LongBlobs(prefix), inLongPass ? resumeAfter : null, cancellationToken))
        {
            var head = await TryHeadAsync(s3Object.Key, cancellationToken);
            if (head?.Metadata[PathHeader] is { } encoded && DecodeHeader(encoded) is var path && path.StartsWith(prefix, StringComparison.Ordinal))
                yield return new BlobInfo(path, s3Object.Size ?? 0, LastModified(s3Object)) { ResumeAfter = s3Object.Key };
        }
    }

    /// <inheritdoc />
    public async Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken)
    {
        var uploadId = UploadIds.New();
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket, Key = S3Keys.UploadMeta(uploadId),
            InputStream = new MemoryStream(BlobSidecar.Encode(metadata, id.StoragePath)),
        }, cancellationToken);
        return uploadId;
    }

    /// <inheritdoc />
    public async Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken)
    {
        UploadIds.ThrowIfBadPartNumber(partNumber);
        await ReadUploadAsync(id, uploadId, cancellationToken);
        await using var body = new PartContentStream(content, contentLength, contentMd5);
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket, Key = S3Keys.Part(uploadId, partNumber), InputStream = body, AutoCloseStream = false,
        };
        request.Headers.ContentLength = contentLength;
        try
        {
            await _client.PutObjectAsync(request, cancellationToken);
        }
        catch (Exception e) when (FindIntegrityFailure(e) is { } integrity)
        {
            throw integrity;
        }
        return body.ETag;
    }

    /// <inheritdoc />
    public async Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken)
    {
        if (maxParts is < 0) throw new ArgumentOutOfRangeException(nameof(maxParts), maxParts, "max parts must not be negative");
        await ReadUploadAsync(id, uploadId, cancellationToken);
        var startAfter = partNumberMarker is > 0 ? S3Keys.Part(uploadId, partNumberMarker.Value) : null;
        var parts = new List<UploadedPart>();
        var truncated = false;
        await foreach (var s3Object in ListKeysAsync(S3Keys.Parts(uploadId), startAfter, cancellationToken))
        {
            if (parts.Count == maxParts)
            {
                truncated = true;
                break;
            }
            parts.Add(new UploadedPart(S3Keys.PartNumber(s3Object.Key), s3Object.ETag, s3Object.Size ?? 0, LastModified(s3Object)));
        }
        return new PartListing(parts, truncated, truncated && parts.Count > 0 ? parts[^1].PartNumber : null);
    }

    /// <inheritdoc />
    public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
    {
        var (metadata, path) = await ReadUploadAsync(id, uploadId, cancellationToken);
        var uploaded = new Dictionary<int, (string ETag, long Size)>();
        await foreach (var s3Object in ListKeysAsync(S3Keys.Parts(uploadId), null, cancellationToken))
            uploaded[S3Keys.PartNumber(s3Object.Key)] = (s3Object.ETag, s3Object.Size ?? 0);
        long size = 0;
        foreach (var part in parts)
        {
            if (!uploaded.TryGetValue(part.PartNumber, out var stored))
                return MultipartCompletion.Failed("InvalidPart", $"part {part.PartNumber} was not uploaded");
            if (!ETags.Match(part.ETag, stored.ETag))
                return MultipartCompletion.Failed("InvalidPart", $"etag mismatch for part {part.PartNumber}: expected {part.ETag}, got {stored.ETag}");
            size += stored.Size;
        }
        var (key, hashed) = S3Keys.ForPath(path);
        var describe = Describe(metadata, hashed ? path : null);
        var listed = parts.Select(p => (Part: p with { ETag = uploaded[p.PartNumber].ETag }, uploaded[p.PartNumber].Size)).ToList();
        try
        {
            if (listed.Any(p => p.Size >= S3LongTermStoreOptions.MinimumPartSize))
            {
                await _assembler.AssembleAsync(key, describe, uploadId, listed, cancellationToken);
            }
            else
            {
                await using var content = new S3PartsStream(_client, _options.Bucket, uploadId, listed.Select(p => p.Part).ToList());
                await _writer.WriteAsync(key, describe, content, size, cancellationToken);
            }
        }
        catch (InvalidPartException e)
        {
            return MultipartCompletion.Failed("InvalidPart", e.Message);
        }
        await DeleteUploadAsync(uploadId, cancellationToken);
        return MultipartCompletion.Success;
    }

    /// <inheritdoc />
    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) =>
        UploadIds.IsWellFormed(uploadId) ? DeleteUploadAsync(uploadId, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public async Task<int> AbortUploadsInitiatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var aborted = 0;
        const string uploads = S3Keys.Uploads;
        string? token = null;
        do
        {
            // One common prefix per upload, a page at a time: the upload id names its initiation time.
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket, Prefix = uploads, Delimiter = "/", ContinuationToken = token, MaxKeys = _options.ListPageSize,
            }, cancellationToken);
            foreach (var prefix in page.CommonPrefixes ?? [])
            {
                var uploadId = prefix[uploads.Length..].TrimEnd('/');
                if (!UploadIds.IsWellFormed(uploadId) || !(UploadIds.InitiatedAt(uploadId) < cutoff)) continue;
                await DeleteUploadAsync(uploadId, cancellationToken);
                aborted++;
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return aborted;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<UnfinishedWrite> ListUnfinishedWritesAsync(ObjectId? blob, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var exact = blob is { } b ? S3Keys.ForPath(b.StoragePath).Key : null;
        string? keyMarker = null, uploadIdMarker = null;
        do
        {
            var page = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = _options.Bucket, Prefix = exact, KeyMarker = keyMarker, UploadIdMarker = uploadIdMarker, MaxUploads = _options.ListPageSize,
            }, cancellationToken);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (exact is not null && upload.Key != exact) continue;
                // A hashed long key does not name its path; such an upload is aborted by blob (recovery) or not at all.
                var path = upload.Key.StartsWith(S3Keys.Reserved, StringComparison.Ordinal) ? null : upload.Key;
                yield return new UnfinishedWrite(upload.Key, exact is null ? path : blob!.StoragePath, upload.UploadId,
                    upload.Initiated is { } initiated ? new DateTimeOffset(DateTime.SpecifyKind(initiated, DateTimeKind.Utc)) : DateTimeOffset.MinValue);
            }
            keyMarker = page.NextKeyMarker;
            uploadIdMarker = page.NextUploadIdMarker;
            if (page.IsTruncated != true) break;
        }
        while (true);
    }

    /// <inheritdoc />
    public async Task AbortUnfinishedWriteAsync(UnfinishedWrite write, CancellationToken cancellationToken)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = write.Key, UploadId = write.UploadId }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Finished or aborted meanwhile: nothing left to discard.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken)
    {
        var batch = new List<KeyVersion>();
        // Delete the sidecar first: from then on the upload is gone for every caller, even if part deletes fail.
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = S3Keys.UploadMeta(uploadId) }, cancellationToken);
        await foreach (var s3Object in ListKeysAsync(S3Keys.Upload(uploadId), null, cancellationToken))
        {
            batch.Add(new KeyVersion { Key = s3Object.Key });
            if (batch.Count == 1000) await DeleteBatchAsync(batch, cancellationToken);
        }
        if (batch.Count > 0) await DeleteBatchAsync(batch, cancellationToken);
    }

    private async Task DeleteBatchAsync(List<KeyVersion> batch, CancellationToken cancellationToken)
    {
        // Listing continues after the page it already fetched, so deleting listed keys does not skip any.
        await _client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = _options.Bucket, Objects = [.. batch], Quiet = true }, cancellationToken);
        batch.Clear();
    }

    /// <summary>Lazily pages a listing; no page is requested before the caller asks for its first key.</summary>
    private async IAsyncEnumerable<S3Object> ListKeysAsync(string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket, Prefix = prefix, StartAfter = startAfter, ContinuationToken = token, MaxKeys = _options.ListPageSize,
            }, cancellationToken);
            foreach (var s3Object in page.S3Objects ?? []) yield return s3Object;
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    private async Task<(ObjectMetadata Metadata, string StoragePath)> ReadUploadAsync(ObjectId id, string uploadId, CancellationToken cancellationToken)
    {
        UploadIds.ThrowIfMalformed(uploadId);
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = S3Keys.UploadMeta(uploadId) }, cancellationToken);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes, cancellationToken);
            var (metadata, path) = BlobSidecar.Decode(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
            return path == id.StoragePath ? (metadata, path) : throw new UploadNotFoundException(uploadId);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new UploadNotFoundException(uploadId);
        }
    }

    /// <summary>The blob's metadata (size = content length), or null when absent or a hashed key holds another path.</summary>
    private async Task<ObjectMetadata?> HeadAsync(string key, string storagePath, CancellationToken cancellationToken)
    {
        var head = await TryHeadAsync(key, cancellationToken);
        if (head is null) return null;
        if (head.Metadata[PathHeader] is { } encodedPath && DecodeHeader(encodedPath) != storagePath) return null;
        var metadata = head.Metadata[MetadataHeader] is { } encoded
            ? MetadataCodec.Deserialize(Base64Url.DecodeFromChars(encoded))
            : new ObjectMetadata();
        return metadata with { Size = head.ContentLength };
    }

    private async Task<GetObjectMetadataResponse?> TryHeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static Action<MetadataCollection> Describe(ObjectMetadata metadata, string? hashedPath)
    {
        var encoded = Base64Url.EncodeToString(MetadataCodec.Serialize(metadata with { Size = null }));
        var encodedPath = hashedPath is null ? null : Base64Url.EncodeToString(BlobSidecar.Utf8Bytes(hashedPath));
        return headers =>
        {
            headers[MetadataHeader] = encoded;
            if (encodedPath is not null) headers[PathHeader] = encodedPath;
        };
    }

    private static string DecodeHeader(string encoded) => BlobSidecar.StrictUtf8.GetString(Base64Url.DecodeFromChars(encoded));

    private static DateTimeOffset LastModified(S3Object s3Object) =>
        s3Object.LastModified is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;

    private static PartIntegrityException? FindIntegrityFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is PartIntegrityException integrity) return integrity;
        return null;
    }
}
