using System.Globalization;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>
/// The filesystem LT endpoint alone: each write goes to a temp file, is flushed to disk and renamed into place (as
/// FileSystemLongTermStore does); reads stream the file back and verify it; deletes unlink it.
/// </summary>
internal sealed class FileSystemTarget : ILoadTarget
{
    private readonly string _root;
    private readonly string _temp;

    public FileSystemTarget(string uri, string directory)
    {
        Uri = uri;
        _root = Path.GetFullPath(directory);
        _temp = Path.Combine(_root, "tmp");
        Directory.CreateDirectory(_temp);
    }

    public string Kind => "fs";
    public string Uri { get; }
    public bool SupportsBatch => false;
    public long? MaxObjectSize => null;

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        var key = $"{spec.Name}/{item.Organization.ToString(CultureInfo.InvariantCulture)}/{item.Seed.ToString("x16", CultureInfo.InvariantCulture)}";
        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                await Payload.WriteToAsync(file, item.Seed, 0, item.Size, ct);
                file.Flush(flushToDisk: true);
            }
            var path = PathOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        await using var file = new FileStream(PathOf(stored.Key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        await Payload.VerifyStreamAsync($"read {stored.Key}", file, stored.Seed, stored.Size, ct);
    }

    public Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        File.Delete(PathOf(stored.Key));
        return Task.CompletedTask;
    }

    public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct) =>
        throw new NotSupportedException("fs has no batch requests");

    public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) =>
        throw new NotSupportedException("fs has no batch requests");

    private string PathOf(string key) => Path.Combine(_root, key);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
