namespace ObjectStore.Storage.Sql;

/// <summary>One stored grain state: the payload (null once cleared) and its version (ETag).</summary>
/// <param name="Payload">The serialized state, or null when the state was cleared.</param>
/// <param name="Version">The row's version, to pass back on the next write or clear.</param>
public sealed record GrainStateRow(byte[]? Payload, string Version);
