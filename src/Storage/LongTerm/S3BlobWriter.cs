using System.Buffers;
using System.Runtime.ExceptionServices;
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

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(parallelParts);
        var etags = new List<PartETag>();
        var uploads = new List<Task>();
        try
        {
            await slots.WaitAsync(CancellationToken.None); // the slot of the first, already filled part
            var buffer = first;
            var count = _partSize;
            for (var partNumber = 1; ; partNumber++)
            {
                if (partNumber > MaxParts)
                {
                    Release(buffer, slots);
                    throw new InvalidOperationException($"the object exceeds {MaxParts} parts of {_partSize} bytes; raise the S3 part size");
                }
                uploads.Add(UploadPartAsync(key, uploadId, partNumber, buffer, count, etags, slots, failed));
                if (count < _partSize) break;
                await slots.WaitAsync(failed.Token);
                buffer = buffers.Rent();
                try
                {
                    var start = 0;
                    if (partNumber == 1) buffer[start++] = carry;
                    count = await FillAsync(content, buffer, start, _partSize, failed.Token);
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
        catch (Exception e)
        {
            await failed.CancelAsync();
            try
            {
                await Task.WhenAll(uploads);
            }
            catch
            {
                // Reported below.
            }
            await AbortAsync(key, uploadId);
            // A failed part cancels the reader: report the part's error, not the cancellation it caused.
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested &&
                uploads.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } partFailure)
                ExceptionDispatchInfo.Throw(partFailure);
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

    private void Release(byte[] buffer, SemaphoreSlim slots)
    {
        buffers.Return(buffer);
        slots.Release();
    }

    /// <summary>Reads from <paramref name="filled"/> until <paramref name="limit"/> bytes are in the buffer or the source ends.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int filled, int limit, CancellationToken cancellationToken)
    {
        int n;
        while (filled < limit && (n = await content.ReadAsync(buffer.AsMemory(filled, limit - filled), cancellationToken)) > 0) filled += n;
        return filled;
    }
}
