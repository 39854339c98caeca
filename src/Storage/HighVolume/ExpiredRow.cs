using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>A row whose deadline passed: its id, and its tombstone target when it is a redirect.</summary>
public sealed record ExpiredRow(ObjectId Id, ObjectId? Target, DateTimeOffset TimeExpires);
