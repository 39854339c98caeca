using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// The listed parts of an S3-backed API multipart upload read back to back, one GET open at a time.
/// Each GET carries <c>If-Match</c> with the etag the client listed, so a part replaced after the
/// etag check fails the assembly (<see cref="InvalidPartException"/>) instead of mixing versions.
/// </summary>
internal sealed class S3PartsStream(IAmazonS3 client, string bucket, string uploadId, IReadOnlyList<CompletedPart> parts) : ReadOnlyStream
{
    private int _next;
    private GetObjectResponse? _open;

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_open is null)
            {
                if (_next == parts.Count) return 0;
                _open = await OpenAsync(parts[_next++], cancellationToken);
            }
            var n = await _open.ResponseStream.ReadAsync(buffer, cancellationToken);
            if (n > 0) return n;
            _open.Dispose();
            _open = null;
        }
    }

    private async Task<GetObjectResponse> OpenAsync(CompletedPart part, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket, Key = S3Keys.Part(uploadId, part.PartNumber), EtagToMatch = part.ETag,
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new InvalidPartException($"part {part.PartNumber} changed or vanished during assembly (expected etag {part.ETag})");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _open?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A part named in a complete request is missing or has another etag; reported as <c>InvalidPart</c>.</summary>
internal sealed class InvalidPartException(string message) : Exception(message);
