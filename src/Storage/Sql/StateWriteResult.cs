namespace ObjectStore.Storage.Sql;

/// <summary>
/// The outcome of a conditional grain-state write or clear: applied with a new version, or refused as
/// stale because the stored version is not the one the caller expected.
/// </summary>
/// <param name="IsStale">True when nothing was written because the caller's version was out of date.</param>
/// <param name="Version">When applied, the new version; when stale, the version actually stored (null: no row).</param>
public readonly record struct StateWriteResult(bool IsStale, string? Version)
{
    internal static StateWriteResult Applied(string version) => new(false, version);

    internal static StateWriteResult Stale(string? storedVersion) => new(true, storedVersion);
}
