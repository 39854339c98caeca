namespace ObjectStore.Storage.LongTerm;

/// <summary>Part etags: the quoted lowercase hex of a 16-byte content hash (the MD5, as S3 reports for a single PUT, or the XxHash128 of a file store part).</summary>
internal static class ETags
{
    public static string FromMd5(ReadOnlySpan<byte> md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";

    /// <summary>Compares etags ignoring surrounding quotes and hex case (clients may strip or keep quotes).</summary>
    public static bool Match(string? expected, string? actual) =>
        expected is not null && actual is not null &&
        string.Equals(expected.Trim().Trim('"'), actual.Trim().Trim('"'), StringComparison.OrdinalIgnoreCase);
}
