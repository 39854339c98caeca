namespace ObjectStore.Storage.Objects;

/// <summary>
/// Long-term revision keys: every large write goes to a fresh blob <c>{key}/{uuid v7}</c>, so
/// concurrent writers never share a blob and the tombstone swap in HV is the only commit point.
/// </summary>
public static class Revision
{
    /// <summary>A new revision id for the object: same usecase and scopes, key <c>{key}/{uuid v7}</c>.</summary>
    public static ObjectId NewFor(ObjectId id) => id.WithKey($"{id.Key}/{Guid.CreateVersion7():D}");
}
