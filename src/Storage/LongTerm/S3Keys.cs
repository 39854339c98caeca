using System.Security.Cryptography;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Where the S3 LT store keeps things in its bucket.
/// <list type="bullet">
/// <item>A blob lives at its storage path verbatim when that is at most 1,024 UTF-8 bytes (the S3
/// key limit), holds no control characters (XML listings cannot carry them and S3-compatible
/// servers mishandle them) and does not start with the reserved <c>.objectstore/</c>.</item>
/// <item>Any other path lives at <c>.objectstore/long/{escaped first 300 bytes}/{sha256 of the path}</c>
/// (bytes escaped as in <see cref="FileSystemLayout.EncodeSegment"/>, at most 3 characters each, so
/// the key stays under 1,024 bytes), with the path itself in the <c>x-amz-meta-objectstore-path</c>
/// header: reads compare it, listing reads it back. The escaped head is prefix-preserving, so a
/// listing only visits the long blobs whose head matches its prefix. Verbatim keys never start
/// with <c>.objectstore/</c>, so the mapping is injective.</item>
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
        return (LongHead(utf8) + "/" + Convert.ToHexStringLower(SHA256.HashData(utf8)), true);
    }

    /// <summary>The key prefix under which every long blob whose path starts with <paramref name="prefix"/> lives.</summary>
    public static string LongBlobs(string prefix) => LongHead(BlobSidecar.Utf8Bytes(prefix));

    private static string LongHead(byte[] utf8) =>
        utf8.Length == 0 ? LongPrefix : LongPrefix + FileSystemLayout.EncodeSegment(utf8.AsSpan(0, Math.Min(utf8.Length, LongHeadBytes)));

    private const int LongHeadBytes = 300;

    /// <summary>The prefix of every multipart upload's keys.</summary>
    public const string Uploads = Reserved + "uploads/";

    public static string Upload(string uploadId) => Uploads + uploadId + "/";

    public static string UploadMeta(string uploadId) => Upload(uploadId) + "meta";

    public static string Parts(string uploadId) => Upload(uploadId) + "p/";

    public static string Part(string uploadId, int partNumber) => Parts(uploadId) + partNumber.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);

    public static int PartNumber(string key) => int.Parse(key.AsSpan(key.LastIndexOf('/') + 1), System.Globalization.CultureInfo.InvariantCulture);
}
