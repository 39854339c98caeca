using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Streams one blob into S3 with bounded memory.
/// <list type="number">
/// <item>Fill a part buffer of PartSize (<see cref="PartBuffers"/>; a smaller pooled one when the
/// size hint says the payload is smaller) from the source. If the source ends within it (a one-byte
/// probe tells when it is exactly full): one PutObject, done.</item>
/// <item>Otherwise start a multipart upload. Each further part waits for one of ParallelParts
/// slots, then fills a part buffer and uploads it in the background; a finished upload returns
/// its buffer and slot. So at most ParallelParts buffers of PartSize exist whatever the size.</item>
/// <item>After the source ends and every part is uploaded, complete the upload with the parts in
/// order. More than 10,000 parts is an error naming PartSize.</item>
/// <item>Any failure or cancellation — source, part, or complete — aborts the S3 upload (best
/// effort, logged) so no parts are left billed, and rethrows.</item>
/// </list>
/// </summary>
internal sealed class S3BlobWriter(IAmazonS3 client, string bucket, PartBuffers buffers, int parallelParts, ILogger logger)
{
    private readonly int _partSize = buffers.Size;

    public const int MaxParts = 10_000;

    public async Task WriteAsync(string key, Action<MetadataCollection> describe, Stream content, long? sizeHint, CancellationToken cancellationToken)
    {
        // A known small size needs no part-sized buffer; a source longer than its hint still works.
        var small = sizeHint is { } hint && hint < _partSize ? ArrayPool<byte>.Shared.Rent((int)hint + 1) : null;
        byte[]? first = null;
        var carry = new byte[1];
        var multipart = false;
        try
        {
            var count = 0;
            if (small is not null)
            {
                count = await FillAsync(content, small, 0, (int)sizeHint!.Value + 1, cancellationToken);
                if (count <= sizeHint)
                {
                    await PutSingleAsync(key, describe, small, count, cancellationToken);
                    return;
                }
            }
            first = buffers.Rent();
            small?.AsSpan(0, count).CopyTo(first);
            count = await FillAsync(content, first, count, _partSize, cancellationToken);
            // A full first buffer may be the whole payload: probe one byte before paying for multipart.
            if (count == _partSize) count += await content.ReadAsync(carry, cancellationToken);
            if (count <= _partSize)
            {
                await PutSingleAsync(key, describe, first, count, cancellationToken);
                return;
            }
            multipart = true;
        }
        finally
        {
            if (small is not null) ArrayPool<byte>.Shared.Return(small);
            if (first is not null && !multipart) buffers.Return(first);
        }
        await WriteMultipartAsync(key, describe, first, carry[0], content, cancellationToken);
    }

    private async Task PutSingleAsync(string key, Action<MetadataCollection> describe, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(buffer, 0, count, writable: false), AutoCloseStream = false };
        describe(put.Metadata);
        await client.PutObjectAsync(put, cancellationToken);
    }

    /// <summary>The multipart path; takes ownership of <paramref name="first"/> (a full first part), followed by byte <paramref name="carry"/>.</summary>
    private async Task WriteMultipartAsync(string key, Action<MetadataCollection> describe, byte[] first, byte carry, Stream content, CancellationToken cancellationToken)
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
            buffers.Return(first);
            throw;
        }

        using var parts = new S3PartUploads(buffers, parallelParts, cancellationToken);
        try
        {
            parts.TakeSlot(); // the slot of the first, already filled part
            var buffer = first;
            var count = _partSize;
            for (var partNumber = 1; ; partNumber++)
            {
                if (partNumber > MaxParts)
                {
                    parts.Release(buffer);
                    throw new InvalidOperationException($"the object exceeds {MaxParts} parts of {_partSize} bytes; raise the S3 part size");
                }
                StartPart(parts, key, uploadId, partNumber, buffer, count);
                if (count < _partSize) break;
                await parts.WaitForSlotAsync();
                buffer = buffers.Rent();
                try
                {
                    var start = 0;
                    if (partNumber == 1) buffer[start++] = carry;
                    count = await FillAsync(content, buffer, start, _partSize, parts.Token);
                }
                catch
                {
                    parts.Release(buffer);
                    throw;
                }
                if (count == 0)
                {
                    parts.Release(buffer);
                    break;
                }
            }
            var etags = await parts.CompletedAsync();
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = etags }, cancellationToken);
        }
        catch (Exception e)
        {
            await AbortWhenFailedAsync(parts, e, key, uploadId);
        }
    }

    /// <summary>Uploads <paramref name="count"/> bytes of <paramref name="buffer"/> as part <paramref name="partNumber"/> in the background, on the slot the caller holds.</summary>
    internal void StartPart(S3PartUploads parts, string key, string uploadId, int partNumber, byte[] buffer, int count) =>
        parts.Start(partNumber, buffer, async token => (await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = partNumber,
            InputStream = new MemoryStream(buffer, 0, count, writable: false), PartSize = count,
        }, token)).ETag);

    /// <summary>After <paramref name="error"/>: waits out the parts in flight, aborts the S3 upload, and throws the error to report.</summary>
    internal async Task AbortWhenFailedAsync(S3PartUploads parts, Exception error, string key, string uploadId)
    {
        try
        {
            await parts.FailAsync(error);
        }
        finally
        {
            await AbortAsync(key, uploadId);
        }
    }

    internal async Task AbortAsync(string key, string uploadId)
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

    /// <summary>Reads from <paramref name="filled"/> until <paramref name="limit"/> bytes are in the buffer or the source ends.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int filled, int limit, CancellationToken cancellationToken)
    {
        int n;
        while (filled < limit && (n = await content.ReadAsync(buffer.AsMemory(filled, limit - filled), cancellationToken)) > 0) filled += n;
        return filled;
    }
}
