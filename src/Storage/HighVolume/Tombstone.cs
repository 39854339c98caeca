using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>
/// A redirect row in HV: the object's bytes live in LT at <see cref="Target"/> (a revision key).
/// Unlike the reference, the tombstone carries the object's full metadata (size included), so
/// HEAD and the metadata half of GET never touch LT.
/// </summary>
public sealed record Tombstone(ObjectId Target, ObjectMetadata Metadata)
{
    /// <summary>True when the redirect's own deadline passed.</summary>
    public bool IsExpired(DateTimeOffset now) => Metadata.IsExpired(now);
}
