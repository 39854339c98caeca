using System.Buffers;
using System.Runtime.CompilerServices;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// The embedded LT store: blobs as files under a root directory (layout and key encoding in
/// <see cref="FileSystemLayout"/>).
/// <list type="number">
/// <item>Write: stream the payload into a temp file under <c>tmp/</c> (fsync), write the sidecar to a
/// second temp file (fsync), rename the data into place, then the sidecar. A blob is visible once
/// its sidecar is, so readers never see a half-written blob. A crash leaves at most temp files
/// (removed by the next initialize: one process owns a root) or an invisible blob without sidecar.
/// Directory entries are not fsynced: a power cut right after a write may undo its renames.</item>
/// <item>Read: sidecar first (absent → not found), then the data file; ranges seek. The size is the
/// data file's length.</item>
/// <item>Delete: sidecar, then data, then prune empty parent directories. Idempotent.</item>
/// <item>List: a lazy depth-first walk that only descends into directories whose decoded path can
/// still match the prefix (memory proportional to the path depth), then the hashed long paths,
/// whose sidecars name them. Order is unspecified.</item>
/// <item>Multipart: parts are files in the upload's directory (MD5 header + bytes, renamed into
/// place); complete streams the listed parts in order into a temp file, checking each etag as it
/// goes, and commits as a write does; any missing part or etag mismatch is <c>InvalidPart</c> and
/// leaves nothing behind.</item>
/// </list>
/// Memory per operation is one 128 KiB pooled copy buffer, whatever the size.
/// </summary>
public sealed class FileSystemLongTermStore : ILongTermStore
{
    private const int CopyBufferSize = 128 * 1024;
    private const string UploadMetaFile = "upload.meta";
    private readonly FileSystemLayout _layout;

    /// <summary>Creates a store rooted at <paramref name="rootDirectory"/> (created on initialize).</summary>
    public FileSystemLongTermStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        _layout = new FileSystemLayout(rootDirectory);
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_layout.Objects);
        Directory.CreateDirectory(_layout.Long);
        Directory.CreateDirectory(_layout.Uploads);
        // Whatever is in tmp/ at start-up was left by a crashed write: one process owns a root.
        DeleteDirectory(_layout.Temp);
        Directory.CreateDirectory(_layout.Temp);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken)
    {
        var path = id.StoragePath;
        return CommitAsync(_layout.Locate(path), path, metadata, (file, ct) => CopyAsync(content, file, ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<LongTermObject?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken)
    {
        var path = id.StoragePath;
        var location = _layout.Locate(path);
        var metadata = await ReadSidecarAsync(location.MetaPath, path, cancellationToken);
        if (metadata is null) return null;
        FileStream file;
        try
        {
            file = new FileStream(location.BlobPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var total = file.Length;
        metadata = metadata with { Size = total };
        if (range is not { } requested) return new LongTermObject(metadata, null, file);
        if (requested.Resolve(total) is not { } resolved)
        {
            await file.DisposeAsync();
            return new LongTermObject(metadata, null, Stream.Null);
        }
        file.Seek(resolved.Start, SeekOrigin.Begin);
        return new LongTermObject(metadata, resolved, new BoundedReadStream(file, resolved.Length));
    }

    /// <inheritdoc />
    public Task<ObjectMetadata?> GetMetadataAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var path = id.StoragePath;
        return ReadSidecarAsync(_layout.Locate(path).MetaPath, path, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var location = _layout.Locate(id.StoragePath);
        DeleteFile(location.MetaPath);
        DeleteFile(location.BlobPath);
        PruneEmptyDirectories(location.Directory, location.Hashed ? _layout.Long : _layout.Objects);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await Task.Yield();
        // Start at the deepest directory the prefix names completely; the walk prunes the rest.
        var slash = prefix.LastIndexOf('/');
        var head = slash < 0 ? "" : prefix[..slash];
        var start = _layout.DirectoryFor(head);
        var walk = start is null ? Walk(_layout.Objects, "", prefix) : Walk(start, slash < 0 ? "" : head + "/", prefix);
        foreach (var blob in walk.Concat(WalkLong(prefix)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return blob;
        }
    }

    /// <inheritdoc />
    public async Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken)
    {
        var uploadId = UploadIds.New();
        var temp = await WriteTempAsync(BlobSidecar.Encode(metadata, id.StoragePath), cancellationToken);
        MoveIntoPlace(temp, _layout.UploadDirectory(uploadId), UploadMetaFile, createDirectory: true);
        return uploadId;
    }

    /// <inheritdoc />
    public async Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken)
    {
        UploadIds.ThrowIfBadPartNumber(partNumber);
        await ReadUploadAsync(id, uploadId, cancellationToken);
        var directory = _layout.UploadDirectory(uploadId);
        // The etag is opaque here (parts never reach S3), so without a Content-MD5 to check it is the cheaper XxHash128.
        await using var body = new PartContentStream(content, contentLength, contentMd5, md5ETag: false);
        var (file, temp) = OpenTemp();
        try
        {
            await using (file)
            {
                file.Write(new byte[16]);
                await CopyAsync(body, file, cancellationToken);
                file.Seek(0, SeekOrigin.Begin);
                await file.WriteAsync(body.Digest, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            MoveIntoPlace(temp, directory, FileSystemLayout.PartFileName(partNumber), createDirectory: false);
            return body.ETag;
        }
        catch (DirectoryNotFoundException)
        {
            throw new UploadNotFoundException(uploadId);
        }
        finally
        {
            DeleteFile(temp);
        }
    }

    /// <inheritdoc />
    public async Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken)
    {
        if (maxParts is < 0) throw new ArgumentOutOfRangeException(nameof(maxParts), maxParts, "max parts must not be negative");
        await ReadUploadAsync(id, uploadId, cancellationToken);
        var directory = _layout.UploadDirectory(uploadId);
        var marker = partNumberMarker ?? 0;
        // Keep only the smallest maxParts + 1 numbers above the marker: memory bounded by the page.
        var numbers = new SortedSet<int>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.part"))
        {
            if (!int.TryParse(Path.GetFileNameWithoutExtension(file), out var number) || number <= marker) continue;
            numbers.Add(number);
            if (maxParts is { } max && numbers.Count > max + 1) numbers.Remove(numbers.Max);
        }
        var truncated = maxParts is { } limit && numbers.Count > limit;
        var parts = new List<UploadedPart>();
        var header = new byte[16];
        foreach (var number in numbers)
        {
            if (parts.Count == maxParts) break;
            var info = new FileInfo(Path.Combine(directory, FileSystemLayout.PartFileName(number)));
            try
            {
                await using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                await stream.ReadExactlyAsync(header, cancellationToken);
                parts.Add(new UploadedPart(number, ETags.FromMd5(header), stream.Length - header.Length, info.LastWriteTimeUtc));
            }
            catch (FileNotFoundException)
            {
                // Replaced or aborted while listing; the listing reflects the parts present.
            }
        }
        return new PartListing(parts, truncated, truncated && parts.Count > 0 ? parts[^1].PartNumber : null);
    }

    /// <inheritdoc />
    public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
    {
        var (metadata, path) = await ReadUploadAsync(id, uploadId, cancellationToken);
        var directory = _layout.UploadDirectory(uploadId);
        try
        {
            await CommitAsync(_layout.Locate(path), path, metadata, (target, ct) => ConcatenatePartsAsync(directory, parts, target, ct), cancellationToken);
        }
        catch (InvalidPartException e)
        {
            return MultipartCompletion.Failed("InvalidPart", e.Message);
        }
        DeleteDirectory(directory);
        return MultipartCompletion.Success;
    }

    /// <inheritdoc />
    public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken)
    {
        if (UploadIds.IsWellFormed(uploadId)) DeleteDirectory(_layout.UploadDirectory(uploadId));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> AbortUploadsInitiatedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var aborted = 0;
        using var uploads = Enumerate(_layout.Uploads);
        while (Next(uploads) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry is not DirectoryInfo || !UploadIds.IsWellFormed(entry.Name) || !(UploadIds.InitiatedAt(entry.Name) < cutoff)) continue;
            DeleteDirectory(entry.FullName);
            aborted++;
        }
        return Task.FromResult(aborted);
    }

    private static async Task<long> ConcatenatePartsAsync(string directory, IReadOnlyList<CompletedPart> parts, FileStream target, CancellationToken cancellationToken)
    {
        long total = 0;
        var header = new byte[16];
        foreach (var part in parts)
        {
            FileStream source;
            try
            {
                source = new FileStream(Path.Combine(directory, FileSystemLayout.PartFileName(part.PartNumber)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or ArgumentOutOfRangeException)
            {
                throw new InvalidPartException($"part {part.PartNumber} was not uploaded");
            }
            await using (source)
            {
                // The open handle pins this version of the part, so the etag checked is the data copied.
                await source.ReadExactlyAsync(header, cancellationToken);
                var actual = ETags.FromMd5(header);
                if (!ETags.Match(part.ETag, actual))
                    throw new InvalidPartException($"etag mismatch for part {part.PartNumber}: expected {part.ETag}, got {actual}");
                total += await CopyAsync(source, target, cancellationToken);
            }
        }
        return total;
    }

    /// <summary>Writes data, then sidecar, each to a temp file, and renames them into place in that order.</summary>
    private async Task CommitAsync(BlobLocation location, string storagePath, ObjectMetadata metadata,
        Func<FileStream, CancellationToken, Task<long>> writeData, CancellationToken cancellationToken)
    {
        var (file, dataTemp) = OpenTemp();
        string? metaTemp = null;
        try
        {
            long size;
            await using (file)
            {
                size = await writeData(file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            metaTemp = await WriteTempAsync(BlobSidecar.Encode(metadata with { Size = size }, storagePath), cancellationToken);
            MoveIntoPlace(dataTemp, location.Directory, Path.GetFileName(location.BlobPath), createDirectory: true);
            // The data file now keeps the directory from being pruned.
            File.Move(metaTemp, location.MetaPath, overwrite: true);
        }
        finally
        {
            DeleteFile(dataTemp);
            if (metaTemp is not null) DeleteFile(metaTemp);
        }
    }

    /// <summary>Creates a temp file in <c>tmp/</c> (same file system as the targets, so the final rename is atomic).</summary>
    private (FileStream File, string Path) OpenTemp()
    {
        var path = Path.Combine(_layout.Temp, Guid.NewGuid().ToString("N"));
        return (new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous), path);
    }

    private async Task<string> WriteTempAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var (file, path) = OpenTemp();
        await using (file)
        {
            await file.WriteAsync(bytes, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        return path;
    }

    /// <summary>
    /// Renames a temp file to <paramref name="name"/> in <paramref name="directory"/>. A concurrent delete
    /// may prune the directory between creating it and the rename, so that is retried; without
    /// <paramref name="createDirectory"/> a missing directory is the caller's DirectoryNotFoundException.
    /// </summary>
    private static void MoveIntoPlace(string temp, string directory, string name, bool createDirectory)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // CreateDirectory walks the path one level at a time, so a concurrent prune can remove a
                // parent it just made and it fails with FileNotFoundException: that is the same race.
                if (createDirectory) Directory.CreateDirectory(directory);
                File.Move(temp, Path.Combine(directory, name), overwrite: true);
                return;
            }
            catch (IOException e) when (createDirectory && attempt < 10 && e is DirectoryNotFoundException or FileNotFoundException)
            {
            }
        }
    }

    private static async Task<long> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                // Fill the buffer before writing: an HTTP body yields a few KiB per read, and one write per read
                // (tens of thousands of syscalls per GiB) cost more CPU than the copy itself.
                var n = 0;
                int read;
                while (n < CopyBufferSize && (read = await source.ReadAsync(buffer.AsMemory(n, CopyBufferSize - n), cancellationToken)) > 0) n += read;
                if (n == 0) return total;
                await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                total += n;
                if (n < CopyBufferSize) return total;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The metadata in a sidecar, or null when absent or naming another path (a hash collision).</summary>
    private static async Task<ObjectMetadata?> ReadSidecarAsync(string metaPath, string storagePath, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(metaPath, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var (metadata, path) = BlobSidecar.Decode(bytes);
        return path == storagePath ? metadata : null;
    }

    private async Task<(ObjectMetadata Metadata, string StoragePath)> ReadUploadAsync(ObjectId id, string uploadId, CancellationToken cancellationToken)
    {
        UploadIds.ThrowIfMalformed(uploadId);
        var path = id.StoragePath;
        var metadata = await ReadSidecarAsync(Path.Combine(_layout.UploadDirectory(uploadId), UploadMetaFile), path, cancellationToken);
        return metadata is null ? throw new UploadNotFoundException(uploadId) : (metadata, path);
    }

    private IEnumerable<BlobInfo> Walk(string directory, string decodedDirectory, string prefix)
    {
        using var entries = Enumerate(directory);
        while (Next(entries) is { } entry)
        {
            if (entry is DirectoryInfo)
            {
                if (FileSystemLayout.DecodeSegment(entry.Name) is not { } segment) continue;
                var sub = decodedDirectory + segment + "/";
                if (!sub.StartsWith(prefix, StringComparison.Ordinal) && !prefix.StartsWith(sub, StringComparison.Ordinal)) continue;
                foreach (var blob in Walk(entry.FullName, sub, prefix)) yield return blob;
            }
            else if (entry.Name.EndsWith(FileSystemLayout.BlobSuffix, StringComparison.Ordinal) &&
                     FileSystemLayout.DecodeSegment(entry.Name.AsSpan(0, entry.Name.Length - FileSystemLayout.BlobSuffix.Length)) is { } stem)
            {
                var path = decodedDirectory + stem;
                if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var meta = Path.ChangeExtension(entry.FullName, FileSystemLayout.MetaSuffix);
                if (File.Exists(meta)) yield return new BlobInfo(path, ((FileInfo)entry).Length, entry.LastWriteTimeUtc);
            }
        }
    }

    private IEnumerable<BlobInfo> WalkLong(string prefix)
    {
        using var buckets = Enumerate(_layout.Long);
        while (Next(buckets) is DirectoryInfo bucket)
        {
            using var files = Enumerate(bucket.FullName);
            while (Next(files) is { } file)
            {
                if (!file.Name.EndsWith(FileSystemLayout.MetaSuffix, StringComparison.Ordinal)) continue;
                string path;
                try
                {
                    path = BlobSidecar.Decode(File.ReadAllBytes(file.FullName)).StoragePath;
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    continue;
                }
                if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var blob = new FileInfo(Path.ChangeExtension(file.FullName, FileSystemLayout.BlobSuffix));
                if (blob.Exists) yield return new BlobInfo(path, blob.Length, blob.LastWriteTimeUtc);
            }
        }
    }

    private static IEnumerator<FileSystemInfo> Enumerate(string directory)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFileSystemInfos().GetEnumerator();
        }
        catch (DirectoryNotFoundException)
        {
            return Enumerable.Empty<FileSystemInfo>().GetEnumerator();
        }
    }

    /// <summary>The next entry, or null at the end or when the directory vanished (pruned by a concurrent delete).</summary>
    private static FileSystemInfo? Next(IEnumerator<FileSystemInfo> entries)
    {
        try
        {
            return entries.MoveNext() ? entries.Current : null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Removes empty directories from <paramref name="directory"/> up to (not including) <paramref name="stop"/>.</summary>
    private static void PruneEmptyDirectories(string directory, string stop)
    {
        while (directory.Length > stop.Length && directory.StartsWith(stop, StringComparison.Ordinal))
        {
            try
            {
                Directory.Delete(directory, recursive: false);
            }
            catch (IOException)
            {
                return; // not empty (or already gone: DirectoryNotFoundException is an IOException)
            }
            directory = Path.GetDirectoryName(directory)!;
        }
    }
}
