namespace ObjectStore.Bench.Load;

/// <summary>An object the generator wrote: where it lives and how to regenerate its bytes.</summary>
/// <param name="Organization">The org/project id of its scope.</param>
/// <param name="Key">The key (server-generated for the product, client-made elsewhere).</param>
/// <param name="Size">Payload bytes.</param>
/// <param name="Seed">The payload PRNG seed.</param>
public sealed record StoredObject(int Organization, string Key, long Size, ulong Seed);

/// <summary>One insert to write: its scope, size and payload seed; the key is derived from the seed where the client chooses keys.</summary>
public readonly record struct ObjectToWrite(int Organization, long Size, ulong Seed);

/// <summary>What a batch request achieved: the objects whose operation succeeded, the failures, the first failure's text.</summary>
public sealed record BatchOutcome(IReadOnlyList<StoredObject> Succeeded, int Failures, string? FirstError);

/// <summary>What one load operation does on one backend (the product or a baseline). Safe for concurrent use.</summary>
public interface ILoadTarget : IAsyncDisposable
{
    /// <summary>The scheme of the URI: objectstore, webdav, postgres, s3 or fs.</summary>
    string Kind { get; }

    /// <summary>The URI the target was created from.</summary>
    string Uri { get; }

    /// <summary>Whether <see cref="WriteBatchAsync"/> and <see cref="DeleteBatchAsync"/> work.</summary>
    bool SupportsBatch { get; }

    /// <summary>The largest object this target accepts, or null for no limit.</summary>
    long? MaxObjectSize { get; }

    /// <summary>Writes one object of <paramref name="item"/>'s size and bytes with the workload's TTL and multipart settings; returns where it went.</summary>
    Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct);

    /// <summary>Reads the whole object and verifies every byte; throws <see cref="PayloadMismatchException"/> on a difference.</summary>
    Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct);

    /// <summary>Deletes the object.</summary>
    Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct);

    /// <summary>Writes <paramref name="items"/> in one batch request (client-chosen keys derived from the seeds) into one scope.</summary>
    Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct);

    /// <summary>Deletes <paramref name="items"/> (all in <paramref name="organization"/>'s scope) in one batch request (used by cleanup).</summary>
    Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct);
}

/// <summary>A read returned bytes that differ from what was written.</summary>
public sealed class PayloadMismatchException(string message) : Exception(message);
