namespace ObjectStore.Storage.LongTerm;

/// <summary>Upload ids of the LT backends: 32 lowercase hex digits of a UUID v7, safe as a path or key segment.</summary>
internal static class UploadIds
{
    public static string New() => Guid.CreateVersion7().ToString("N");

    /// <summary>True for ids this store could have issued; anything else names no upload (and never reaches a path).</summary>
    public static bool IsWellFormed(string? uploadId)
    {
        if (uploadId is null || uploadId.Length != 32) return false;
        foreach (var c in uploadId)
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }

    public static void ThrowIfMalformed(string uploadId)
    {
        if (!IsWellFormed(uploadId)) throw new UploadNotFoundException(uploadId);
    }

    public static void ThrowIfBadPartNumber(int partNumber)
    {
        if (partNumber < 1) throw new ArgumentOutOfRangeException(nameof(partNumber), partNumber, "part numbers start at 1");
    }
}
