using System.Security.Cryptography;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Where the S3 LT store keeps things in its bucket.
/// <list type="bullet">
/// <item>A blob lives at its storage path verbatim when that is at most 1,024 UTF-8 bytes (the S3
/// key limit), holds no control characters (XML listings cannot carry them and S3-compatible
/// servers mishandle them) and does not start with the reserved <c>.objectstore/</c>.</item>
/// <item>Any other path lives at <c>.objectstore/long/{sha256 of the path}</c>, with the path itself
/// in the <c>x-amz-meta-objectstore-path</c> header: listing reads it back, and reads compare it.
/// Verbatim keys never start with <c>.objectstore/</c>, so the mapping is injective.</item>
/// <item>Multipart upload <c>u</c>: <c>.objectstore/uploads/{u}/meta</c> (target path and metadata)
/// and one object per API part at <c>.objectstore/uploads/{u}/p/{part:D10}</c>.</item>
/// </list>
/// </summary>
internal static class S3Keys
{
    public const string Reserved = ".objectstore/";
    public const int MaxKeyBytes = 1024;
    private const string LongPrefix = Reserved + "long/";

    public static (string Key, bool Hashed) ForPath(string storagePath)
    {
        var utf8 = BlobSidecar.Utf8Bytes(storagePath);
        if (utf8.Length <= MaxKeyBytes && !storagePath.StartsWith(Reserved, StringComparison.Ordinal) && !storagePath.AsSpan().ContainsAnyInRange('\0', '\x1F') && !storagePath.Contains('\x7F'))
            return (storagePath, false);
        return (LongPrefix + Convert.ToHexStringLower(SHA256.HashData(utf8)), true);
    }

    public static string LongBlobs => LongPrefix;

    public static string Upload(string uploadId) => Reserved + "uploads/" + uploadId + "/";

    public static string UploadMeta(string uploadId) => Upload(uploadId) + "meta";

    public static string Parts(string uploadId) => Upload(uploadId) + "p/";

    public static string Part(string uploadId, int partNumber) => Parts(uploadId) + partNumber.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    public static int PartNumber(string key) => int.Parse(key.AsSpan(key.LastIndexOf('/') + 1), System.Globalization.CultureInfo.InvariantCulture);
}
