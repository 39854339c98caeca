using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Completes an API multipart upload whose parts include some of at least 5 MiB by building the
/// blob as an S3 multipart upload, copying server-side where S3 allows it.
/// <list type="number">
/// <item>Walk the listed parts in order with at most one pending part buffer (PartSize) being filled.</item>
/// <item>While the buffer is empty and at least 5 MiB of the current part remain: UploadPartCopy
/// of the rest (at most 5 GiB at a time), with <c>x-amz-copy-source-if-match</c> on the etag.</item>
/// <item>Otherwise GET the next bytes (<c>If-Match</c> on the etag) into the buffer; when it is
/// full, upload it as the next S3 part. Small parts so coalesce into full parts, and a large part
/// following small ones first tops the buffer up, then is copied from that offset.</item>
/// <item>Upload what is left in the buffer as the last part (any size), complete. Every S3 part
/// but the last is thus ≥ 5 MiB. Any failure aborts the S3 upload; a part replaced meanwhile
/// (412) becomes <see cref="InvalidPartException"/>.</item>
/// </list>
/// Up to ParallelParts S3 parts (copies, and uploads of coalesced buffers) are in flight at once, each on a slot of
/// <see cref="S3PartUploads"/>; a buffer being filled holds a slot too. Memory: at most ParallelParts part buffers,
/// whatever the size; the data of large parts never leaves S3.
/// </summary>
internal sealed class S3PartAssembler(IAmazonS3 client, string bucket, PartBuffers buffers, S3BlobWriter writer, int parallelParts)
{
    private const long MaxCopyLength = 5L * 1024 * 1024 * 1024;

    public async Task AssembleAsync(string key, Action<MetadataCollection> describe, string uploadId,
        IReadOnlyList<(CompletedPart Part, long Size)> parts, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
        describe(initiate.Metadata);
        var s3UploadId = (await client.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        using var uploads = new S3PartUploads(buffers, parallelParts, cancellationToken);
        byte[]? pending = null;
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
                        var partNumber = NextPartNumber(uploads);
                        var (copyFrom, copyOffset) = (part, offset);
                        await uploads.WaitForSlotAsync();
                        uploads.Start(partNumber, null, token => CopyAsync(key, s3UploadId, partNumber, copyFrom, source, copyOffset, length, token));
                        offset += length;
                        continue;
                    }
                    if (pending is null)
                    {
                        await uploads.WaitForSlotAsync();
                        pending = buffers.Rent();
                    }
                    var take = (int)Math.Min(size - offset, pending.Length - pendingCount);
                    await ReadRangeAsync(part, source, offset, pending.AsMemory(pendingCount, take), uploads.Token);
                    pendingCount += take;
                    offset += take;
                    if (pendingCount == pending.Length)
                    {
                        writer.StartPart(uploads, key, s3UploadId, NextPartNumber(uploads), pending, pendingCount);
                        (pending, pendingCount) = (null, 0);
                    }
                }
            }
            if (pending is not null)
            {
                writer.StartPart(uploads, key, s3UploadId, NextPartNumber(uploads), pending, pendingCount);
                pending = null;
            }
            var etags = await uploads.CompletedAsync();
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = s3UploadId, PartETags = etags }, cancellationToken);
        }
        catch (Exception e)
        {
            if (pending is not null) uploads.Release(pending);
            await writer.AbortWhenFailedAsync(uploads, e, key, s3UploadId);
        }
    }

    private static int NextPartNumber(S3PartUploads uploads) =>
        uploads.Started < S3BlobWriter.MaxParts ? uploads.Started + 1
            : throw new InvalidOperationException($"assembling the upload needs more than {S3BlobWriter.MaxParts} S3 parts; raise the S3 part size");

    private async Task<string> CopyAsync(string key, string s3UploadId, int partNumber, CompletedPart part, string source, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = bucket, SourceKey = source, DestinationBucket = bucket, DestinationKey = key, UploadId = s3UploadId,
                PartNumber = partNumber, FirstByte = offset, LastByte = offset + length - 1, ETagToMatch = [part.ETag],
            }, cancellationToken);
            return response.ETag;
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

    private static InvalidPartException Changed(CompletedPart part) =>
        new($"part {part.PartNumber} changed or vanished during assembly (expected etag {part.ETag})");
}
