namespace ObjectStore.Storage.LongTerm;

/// <summary>Part etags: the quoted lowercase hex MD5 of the part, as S3 reports for a single PUT.</summary>
internal static class ETags
{
    public static string FromMd5(ReadOnlySpan<byte> md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";

    /// <summary>Compares etags ignoring surrounding quotes and hex case (clients may strip or keep quotes).</summary>
    public static bool Match(string? expected, string? actual) =>
        expected is not null && actual is not null &&
        string.Equals(expected.Trim().Trim('"'), actual.Trim().Trim('"'), StringComparison.OrdinalIgnoreCase);
}
