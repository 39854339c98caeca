namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// A blob write the store began and never finished nor aborted: <paramref name="Key"/> is the store's key of it,
/// <paramref name="StoragePath"/> the blob it would have created (null when the store cannot tell, e.g. a hashed long
/// key), <paramref name="UploadId"/> the store's id of the write, <paramref name="Initiated"/> when it began.
/// </summary>
public sealed record UnfinishedWrite(string Key, string? StoragePath, string UploadId, DateTimeOffset Initiated)
{
    /// <summary>An empty listing, for stores whose writes leave nothing behind.</summary>
    public static async IAsyncEnumerable<UnfinishedWrite> None()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
