using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// Where the filesystem LT store keeps things under its root, and the injective encoding of storage
/// paths into file paths.
/// <list type="bullet">
/// <item><c>objects/</c>: one directory per storage-path segment, the last segment as the files
/// <c>{segment}.blob</c> (data) and <c>{segment}.meta</c> (sidecar). Each segment's UTF-8 bytes are
/// kept only when in <c>[a-z0-9_-]</c>; every other byte — uppercase letters included, so
/// case-insensitive file systems cannot merge keys — becomes <c>%XX</c> (uppercase hex). An empty
/// segment is written <c>%</c>, which no escape produces. So names never contain <c>.</c>: the
/// <c>.blob</c>/<c>.meta</c> suffixes cannot collide with a directory, <c>.</c> and
/// <c>..</c> become <c>%2E</c> and <c>%2E%2E</c>, and <c>/</c> only ever separates segments, so nothing
/// escapes the root and distinct paths never share a file.</item>
/// <item><c>long/{hh}/{sha256}</c>: paths with an encoded segment over 240 bytes (file names
/// are capped at 255) or an encoded length that would push the full file path past 3,800 bytes
/// (PATH_MAX is 4,096) are stored under the SHA-256 of their UTF-8 bytes. The sidecar carries the
/// full path: listing reads it, and reads compare it so a hash collision reads as absent, never as
/// another object.</item>
/// <item><c>uploads/{uploadId}/</c>: <c>upload.meta</c> (target path and metadata) and
/// <c>{part:D10}.part</c> files (16-byte MD5, then the bytes).</item>
/// <item><c>tmp/</c>: files being written, renamed into place when complete.</item>
/// </list>
/// Storage paths must be valid Unicode (no lone surrogates); others are rejected with an ArgumentException.
/// </summary>
internal sealed class FileSystemLayout
{
    public const string BlobSuffix = ".blob";
    public const string MetaSuffix = ".meta";
    private const int MaxSegmentBytes = 240;
    private const int MaxPathBytes = 3800;

    public FileSystemLayout(string root)
    {
        Root = Path.GetFullPath(root);
        Objects = Path.Combine(Root, "objects");
        Long = Path.Combine(Root, "long");
        Uploads = Path.Combine(Root, "uploads");
        Temp = Path.Combine(Root, "tmp");
    }

    public string Root { get; }
    public string Objects { get; }
    public string Long { get; }
    public string Uploads { get; }
    public string Temp { get; }

    /// <summary>The directory and file stem of a blob (append <see cref="BlobSuffix"/> or <see cref="MetaSuffix"/>).</summary>
    public BlobLocation Locate(string storagePath)
    {
        var utf8 = BlobSidecar.Utf8Bytes(storagePath);
        var segments = new List<string>();
        var fits = true;
        foreach (var range in utf8.AsSpan().Split((byte)'/'))
        {
            var segment = EncodeSegment(utf8.AsSpan(range));
            if (segment.Length > MaxSegmentBytes) fits = false;
            segments.Add(segment);
        }
        var dir = Objects;
        if (fits && Encoding.UTF8.GetByteCount(Objects) + segments.Sum(s => s.Length + 1) + MetaSuffix.Length <= MaxPathBytes)
        {
            for (var i = 0; i < segments.Count - 1; i++) dir = Path.Combine(dir, segments[i]);
            return new BlobLocation(dir, segments[^1], Hashed: false);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(utf8));
        return new BlobLocation(Path.Combine(Long, hash[..2]), hash, Hashed: true);
    }

    /// <summary>The encoded directory for complete leading segments, or null when it would not fit (listing then walks from the top).</summary>
    public string? DirectoryFor(string completeSegments)
    {
        if (completeSegments.Length == 0) return Objects;
        var location = Locate(completeSegments + "/x");
        return location.Hashed ? null : location.Directory;
    }

    public string UploadDirectory(string uploadId) => Path.Combine(Uploads, uploadId);

    public static string PartFileName(int partNumber) => partNumber.ToString("D10", System.Globalization.CultureInfo.InvariantCulture) + ".part";

    public static string EncodeSegment(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "%";
        var sb = new StringBuilder(utf8.Length);
        foreach (var b in utf8)
        {
            if (IsKept(b)) sb.Append((char)b);
            else sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
        }
        return sb.ToString();
    }

    /// <summary>Inverts <see cref="EncodeSegment"/>; null for names the encoding never produces (foreign files are skipped).</summary>
    public static string? DecodeSegment(ReadOnlySpan<char> name)
    {
        if (name is "%") return "";
        if (name.IsEmpty) return null;
        var bytes = ArrayPool<byte>.Shared.Rent(name.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (c < 128 && IsKept((byte)c)) bytes[n++] = (byte)c;
                else if (c == '%' && i + 2 < name.Length && IsHexUpper(name[i + 1]) && IsHexUpper(name[i + 2]))
                {
                    var b = (byte)(HexValue(name[i + 1]) << 4 | HexValue(name[i + 2]));
                    if (IsKept(b)) return null;
                    bytes[n++] = b;
                    i += 2;
                }
                else return null;
            }
            return BlobSidecar.StrictUtf8.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static bool IsKept(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'-';
    private const string HexUpper = "0123456789ABCDEF";
    private static bool IsHexUpper(char c) => c is >= '0' and <= '9' or >= 'A' and <= 'F';
    private static int HexValue(char c) => c <= '9' ? c - '0' : c - 'A' + 10;
}

/// <summary>A blob's directory and file stem; <see cref="Hashed"/> when stored under its hash.</summary>
internal readonly record struct BlobLocation(string Directory, string Stem, bool Hashed)
{
    public string BlobPath => Path.Combine(Directory, Stem + FileSystemLayout.BlobSuffix);
    public string MetaPath => Path.Combine(Directory, Stem + FileSystemLayout.MetaSuffix);
}
