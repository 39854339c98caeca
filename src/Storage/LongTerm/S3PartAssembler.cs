using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Completes an API multipart upload whose parts include some of at least 5 MiB by building the
/// blob as an S3 multipart upload, copying server-side where S3 allows it.
/// <list type="number">
/// <item>Walk the listed parts in order with one pending part buffer (PartSize).</item>
/// <item>While the buffer is empty and at least 5 MiB of the current part remain: UploadPartCopy
/// of the rest (at most 5 GiB at a time), with <c>x-amz-copy-source-if-match</c> on the etag.</item>
/// <item>Otherwise GET the next bytes (<c>If-Match</c> on the etag) into the buffer; when it is
/// full, upload it as the next S3 part. Small parts so coalesce into full parts, and a large part
/// following small ones first tops the buffer up, then is copied from that offset.</item>
/// <item>Upload what is left in the buffer as the last part (any size), complete. Every S3 part
/// but the last is thus ≥ 5 MiB. Any failure aborts the S3 upload; a part replaced meanwhile
/// (412) becomes <see cref="InvalidPartException"/>.</item>
/// </list>
/// Memory: one part buffer, whatever the size; the data of large parts never leaves S3.
/// </summary>
internal sealed class S3PartAssembler(IAmazonS3 client, string bucket, PartBuffers buffers, S3BlobWriter writer)
{
    private const long MaxCopyLength = 5L * 1024 * 1024 * 1024;

    public async Task AssembleAsync(string key, Action<MetadataCollection> describe, string uploadId,
        IReadOnlyList<(CompletedPart Part, long Size)> parts, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
        describe(initiate.Metadata);
        var s3UploadId = (await client.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        var etags = new List<PartETag>();
        var pending = buffers.Rent();
        try
        {
            var pendingCount = 0;
            foreach (var (part, size) in parts)
            {
                var source = S3Keys.Part(uploadId, part.PartNumber);
                long offset = 0;
                while (offset < size)
                {
                    if (pendingCount == 0 && size - offset >= S3LongTermStoreOptions.MinimumPartSize)
                    {
                        var length = Math.Min(size - offset, MaxCopyLength);
                        etags.Add(await CopyAsync(key, s3UploadId, NextPartNumber(etags), part, source, offset, length, cancellationToken));
                        offset += length;
                        continue;
                    }
                    var take = (int)Math.Min(size - offset, pending.Length - pendingCount);
                    await ReadRangeAsync(part, source, offset, pending.AsMemory(pendingCount, take), cancellationToken);
                    pendingCount += take;
                    offset += take;
                    if (pendingCount == pending.Length)
                    {
                        etags.Add(await UploadAsync(key, s3UploadId, NextPartNumber(etags), pending, pendingCount, cancellationToken));
                        pendingCount = 0;
                    }
                }
            }
            if (pendingCount > 0) etags.Add(await UploadAsync(key, s3UploadId, NextPartNumber(etags), pending, pendingCount, cancellationToken));
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = s3UploadId, PartETags = etags }, cancellationToken);
        }
        catch
        {
            await writer.AbortAsync(key, s3UploadId);
            throw;
        }
        finally
        {
            buffers.Return(pending);
        }
    }

    private static int NextPartNumber(List<PartETag> etags) =>
        etags.Count < S3BlobWriter.MaxParts ? etags.Count + 1
            : throw new InvalidOperationException($"assembling the upload needs more than {S3BlobWriter.MaxParts} S3 parts; raise the S3 part size");

    private async Task<PartETag> CopyAsync(string key, string s3UploadId, int partNumber, CompletedPart part, string source, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = bucket, SourceKey = source, DestinationBucket = bucket, DestinationKey = key, UploadId = s3UploadId,
                PartNumber = partNumber, FirstByte = offset, LastByte = offset + length - 1, ETagToMatch = [part.ETag],
            }, cancellationToken);
            return new PartETag(partNumber, response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw Changed(part);
        }
    }

    private async Task ReadRangeAsync(CompletedPart part, string source, long offset, Memory<byte> into, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket, Key = source, EtagToMatch = part.ETag, ByteRange = new ByteRange(offset, offset + into.Length - 1),
            }, cancellationToken);
            await response.ResponseStream.ReadExactlyAsync(into, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw Changed(part);
        }
    }

    private async Task<PartETag> UploadAsync(string key, string s3UploadId, int partNumber, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = s3UploadId, PartNumber = partNumber,
            InputStream = new MemoryStream(buffer, 0, count, writable: false), PartSize = count,
        }, cancellationToken);
        return new PartETag(partNumber, response.ETag);
    }

    private static InvalidPartException Changed(CompletedPart part) =>
        new($"part {part.PartNumber} changed or vanished during assembly (expected etag {part.ETag})");
}
