using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// An <see cref="ILongTermStore"/> in process memory, for tests: blobs keyed by storage path, multipart
/// uploads with any part size (tiny ones included), etags = quoted lowercase MD5 hex of the part, and
/// complete failing with <c>InvalidPart</c> on a missing part or an etag mismatch (nothing written).
/// </summary>
public sealed class InMemoryLongTermStore(TimeProvider? time = null) : ILongTermStore
{
    private const int PageSize = 1000;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SortedDictionary<string, Blob> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Number of stored blobs (tests).</summary>
    public int Count
    {
        get { lock (_gate) return _blobs.Count; }
    }

    /// <summary>Number of open multipart uploads (tests).</summary>
    public int OpenUploads
    {
        get { lock (_gate) return _uploads.Count; }
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new MemoryStream(sizeHint is > 0 and < int.MaxValue ? (int)sizeHint.Value : 0);
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var data = buffer.ToArray();
        lock (_gate) _blobs[id.StoragePath] = new Blob(metadata with { Size = data.Length }, data, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Blob? blob;
        lock (_gate) _blobs.TryGetValue(id.StoragePath, out blob);
        if (blob is null) return Task.FromResult<LongTermObject?>(null);
        if (range is not { } r) return Task.FromResult<LongTermObject?>(new LongTermObject(blob.Metadata, null, ReadOnly(blob.Data, 0, blob.Data.Length)));
        var resolved = r.Resolve(blob.Data.Length);
        var stream = resolved is { } c ? ReadOnly(blob.Data, (int)c.Start, (int)c.Length) : ReadOnly([], 0, 0);
        return Task.FromResult<LongTermObject?>(new LongTermObject(blob.Metadata, resolved, stream));
    }

    /// <inheritdoc />
    public Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate) return Task.FromResult(_blobs.TryGetValue(id.StoragePath, out var blob) ? blob.Metadata : null);
    }

    /// <inheritdoc />
    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate) _blobs.Remove(id.StoragePath);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken) => ListAsync(prefix, null, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, string? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var after = resumeAfter;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = NextPage(prefix, after);
            foreach (var info in page) yield return info;
            if (page.Count < PageSize) yield break;
            after = page[^1].StoragePath;
            await Task.Yield();
        }
    }

    /// <inheritdoc />
    public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var uploadId = Guid.CreateVersion7().ToString("D");
        lock (_gate) _uploads[uploadId] = new Upload(id, metadata);
        return Task.FromResult(uploadId);
    }

    /// <inheritdoc />
    public async Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        if (contentLength > int.MaxValue) throw new PartIntegrityException($"part {partNumber} is too large for the in-memory store ({contentLength} bytes)");
        var upload = FindUpload(id, uploadId);
        var data = new byte[contentLength];
        if (await content.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < data.Length)
            throw new PartIntegrityException($"part {partNumber} has fewer bytes than its content length {contentLength}");
        if (await content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            throw new PartIntegrityException($"part {partNumber} has more bytes than its content length {contentLength}");
        var md5 = MD5.HashData(data);
        if (contentMd5 is not null && !Md5Matches(contentMd5, md5))
            throw new PartIntegrityException($"part {partNumber} does not match its Content-MD5 {contentMd5}");
        var etag = $"\"{Convert.ToHexStringLower(md5)}\"";
        lock (_gate) upload.Parts[partNumber] = new Part(data, etag, _time.GetUtcNow());
        return etag;
    }

    /// <inheritdoc />
    public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken)
    {
        if (maxParts is < 1) throw new ArgumentOutOfRangeException(nameof(maxParts), maxParts, "must be at least 1");
        var upload = FindUpload(id, uploadId);
        lock (_gate)
        {
            var after = upload.Parts.Where(p => p.Key > (partNumberMarker ?? 0)).ToList();
            var taken = after.Take(maxParts ?? int.MaxValue)
                .Select(p => new UploadedPart(p.Key, p.Value.ETag, p.Value.Data.Length, p.Value.LastModified))
                .ToList();
            var truncated = taken.Count < after.Count;
            return Task.FromResult(new PartListing(taken, truncated, truncated ? taken[^1].PartNumber : null));
        }
    }

    /// <inheritdoc />
    public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var upload = FindUpload(id, uploadId);
        lock (_gate)
        {
            if (parts.Count == 0) return Task.FromResult(MultipartCompletion.Failed("InvalidPart", "at least one part must be listed"));
            var chosen = new List<byte[]>(parts.Count);
            foreach (var p in parts)
            {
                if (!upload.Parts.TryGetValue(p.PartNumber, out var part))
                    return Task.FromResult(MultipartCompletion.Failed("InvalidPart", $"part {p.PartNumber} was not uploaded"));
                if (part.ETag.Trim('"') != p.ETag.Trim('"'))
                    return Task.FromResult(MultipartCompletion.Failed("InvalidPart", $"etag mismatch for part {p.PartNumber}: expected {part.ETag}, got {p.ETag}"));
                chosen.Add(part.Data);
            }
            var data = new byte[chosen.Sum(c => (long)c.Length)];
            var offset = 0;
            foreach (var c in chosen)
            {
                c.CopyTo(data, offset);
                offset += c.Length;
            }
            _blobs[id.StoragePath] = new Blob(upload.Metadata with { Size = data.Length }, data, _time.GetUtcNow());
            _uploads.Remove(uploadId);
            return Task.FromResult(MultipartCompletion.Success);
        }
    }

    /// <inheritdoc />
    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_uploads.TryGetValue(uploadId, out var upload) && upload.Id == id) _uploads.Remove(uploadId);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> AbortUploadsInitiatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var abandoned = _uploads.Keys.Where(u => UploadIds.InitiatedAt(u) < cutoff).ToList();
            foreach (var uploadId in abandoned) _uploads.Remove(uploadId);
            return Task.FromResult(abandoned.Count);
        }
    }

    private List<BlobInfo> NextPage(string prefix, string? after)
    {
        lock (_gate)
        {
            return _blobs
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(kv.Key, after) > 0))
                .Take(PageSize)
                .Select(kv => new BlobInfo(kv.Key, kv.Value.Data.Length, kv.Value.LastModified) { ResumeAfter = kv.Key })
                .ToList();
        }
    }

    private Upload FindUpload(ObjectId id, string uploadId)
    {
        lock (_gate)
        {
            return _uploads.TryGetValue(uploadId, out var upload) && upload.Id == id ? upload : throw new UploadNotFoundException(uploadId);
        }
    }

    private static bool Md5Matches(string base64, byte[] md5)
    {
        Span<byte> given = stackalloc byte[18];
        return Convert.TryFromBase64String(base64, given, out var written) && written == md5.Length && given[..written].SequenceEqual(md5);
    }

    private static MemoryStream ReadOnly(byte[] data, int offset, int count) => new(data, offset, count, writable: false);

    private sealed record Blob(ObjectMetadata Metadata, byte[] Data, DateTimeOffset LastModified);

    private sealed record Part(byte[] Data, string ETag, DateTimeOffset LastModified);

    private sealed class Upload(ObjectId id, ObjectMetadata metadata)
    {
        public ObjectId Id { get; } = id;
        public ObjectMetadata Metadata { get; } = metadata;
        public SortedDictionary<int, Part> Parts { get; } = [];
    }
}
