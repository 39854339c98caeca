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

    /// <summary>When the upload was initiated: the millisecond timestamp of its UUID v7 (any Guid format); null for other ids.</summary>
    public static DateTimeOffset? InitiatedAt(string uploadId)
    {
        if (!Guid.TryParse(uploadId, out var uuid) || uuid.Version != 7) return null;
        var millis = long.Parse(uuid.ToString("N").AsSpan(0, 12), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds(millis);
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
