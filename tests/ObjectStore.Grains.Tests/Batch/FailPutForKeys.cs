using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Batch;

/// <summary>An LT store whose blob writes fail for revisions of keys starting with <paramref name="prefix"/>.</summary>
internal sealed class FailPutForKeys(ILongTermStore inner, string prefix) : DelegatingLongTermStore(inner)
{
    public override Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream content, long? sizeHint, CancellationToken cancellationToken) =>
        id.Key.StartsWith(prefix, StringComparison.Ordinal)
            ? throw new IOException($"injected LT write failure for {id.Key}")
            : Inner.PutAsync(id, metadata, content, sizeHint, cancellationToken);
}
