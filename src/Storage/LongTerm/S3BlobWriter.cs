using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Streams one blob into S3 with bounded memory.
/// <list type="number">
/// <item>Fill a pooled buffer of PartSize from the source. If the source ends within it: one
/// PutObject, done.</item>
/// <item>Otherwise start a multipart upload. Each further part waits for one of ParallelParts
/// slots, then fills a pooled buffer and uploads it in the background; a finished upload returns
/// its buffer and slot. So at most ParallelParts buffers of PartSize exist whatever the size.</item>
/// <item>After the source ends and every part is uploaded, complete the upload with the parts in
/// order. More than 10,000 parts is an error naming PartSize.</item>
/// <item>Any failure or cancellation — source, part, or complete — aborts the S3 upload (best
/// effort, logged) so no parts are left billed, and rethrows.</item>
/// </list>
/// </summary>
internal sealed class S3BlobWriter(IAmazonS3 client, string bucket, int partSize, int parallelParts, ILogger logger)
{
    public const int MaxParts = 10_000;

    public async Task WriteAsync(string key, Action<MetadataCollection> describe, Stream content, CancellationToken cancellationToken)
    {
        var first = ArrayPool<byte>.Shared.Rent(partSize);
        int count;
        try
        {
            count = await FillAsync(content, first, cancellationToken);
            if (count < partSize)
            {
                var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(first, 0, count, writable: false), AutoCloseStream = false };
                describe(put.Metadata);
                await client.PutObjectAsync(put, cancellationToken);
                return;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(first);
            throw;
        }
        await WriteMultipartAsync(key, describe, first, content, cancellationToken);
    }

    /// <summary>The multipart path; takes ownership of <paramref name="first"/> (a full first part).</summary>
    private async Task WriteMultipartAsync(string key, Action<MetadataCollection> describe, byte[] first, Stream content, CancellationToken cancellationToken)
    {
        string uploadId;
        try
        {
            var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
            describe(initiate.Metadata);
            uploadId = (await client.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(first);
            throw;
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(parallelParts);
        var etags = new List<PartETag>();
        var uploads = new List<Task>();
        try
        {
            await slots.WaitAsync(CancellationToken.None); // the slot of the first, already filled part
            var buffer = first;
            var count = partSize;
            for (var partNumber = 1; ; partNumber++)
            {
                if (partNumber > MaxParts)
                {
                    Release(buffer, slots);
                    throw new InvalidOperationException($"the object exceeds {MaxParts} parts of {partSize} bytes; raise the S3 part size");
                }
                uploads.Add(UploadPartAsync(key, uploadId, partNumber, buffer, count, etags, slots, failed));
                if (count < partSize) break;
                await slots.WaitAsync(failed.Token);
                buffer = ArrayPool<byte>.Shared.Rent(partSize);
                try
                {
                    count = await FillAsync(content, buffer, failed.Token);
                }
                catch
                {
                    Release(buffer, slots);
                    throw;
                }
                if (count == 0)
                {
                    Release(buffer, slots);
                    break;
                }
            }
            await Task.WhenAll(uploads);
            etags.Sort((a, b) => Nullable.Compare(a.PartNumber, b.PartNumber));
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = etags }, cancellationToken);
        }
        catch
        {
            await failed.CancelAsync();
            try
            {
                await Task.WhenAll(uploads);
            }
            catch
            {
                // The first failure is the one rethrown below.
            }
            await AbortAsync(key, uploadId);
            throw;
        }
    }

    private async Task UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int count, List<PartETag> etags, SemaphoreSlim slots, CancellationTokenSource failed)
    {
        try
        {
            var response = await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = partNumber,
                InputStream = new MemoryStream(buffer, 0, count, writable: false), PartSize = count,
            }, failed.Token);
            lock (etags) etags.Add(new PartETag(partNumber, response.ETag));
        }
        catch
        {
            await failed.CancelAsync(); // stop reading the source and the other parts at once
            throw;
        }
        finally
        {
            Release(buffer, slots);
        }
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not abort S3 multipart upload {UploadId} of {Key}; the bucket's lifecycle rule must reap it", uploadId, key);
        }
    }

    private static void Release(byte[] buffer, SemaphoreSlim slots)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        slots.Release();
    }

    /// <summary>Reads until the buffer's first PartSize bytes are full or the source ends.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int n;
        while (filled < partSize && (n = await content.ReadAsync(buffer.AsMemory(filled, partSize - filled), cancellationToken)) > 0) filled += n;
        return filled;
    }
}
