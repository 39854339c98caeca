using System.Text;

namespace ObjectStore.Client.Http;

/// <summary>
/// Percent-encoding as the official clients put keys on the wire: the Python client's path rule (unreserved characters
/// and <c>/:@!$&amp;'()*+,;=</c> kept, everything else as UTF-8 <c>%XX</c>, so a literal <c>%</c> becomes <c>%25</c>), and
/// the batch key header rule (everything but ASCII letters and digits encoded).
/// </summary>
internal static class PathEncoding
{
    private const string PathSafe = "/:@!$&'()*+,;=-._~";

    /// <summary>Encodes a path (or one piece of it) keeping <c>/</c> and the sub-delimiters.</summary>
    public static string EncodePath(string path) => Encode(path, static b => char.IsAsciiLetterOrDigit((char)b) || PathSafe.Contains((char)b));

    /// <summary>Encodes a query component the way the Python client does (the path rule plus <c>?</c>).</summary>
    public static string EncodeQuery(string text) => Encode(text, static b => char.IsAsciiLetterOrDigit((char)b) || PathSafe.Contains((char)b) || b == '?');

    /// <summary>Encodes a form value (query parameters we build ourselves): unreserved characters only.</summary>
    public static string EncodeComponent(string text) => Uri.EscapeDataString(text);

    /// <summary>The batch key header: every byte outside <c>[A-Za-z0-9]</c> as <c>%XX</c>.</summary>
    public static string EncodeBatchKey(string key) => Encode(key, static b => char.IsAsciiLetterOrDigit((char)b));

    /// <summary>Decodes a batch key header (any <c>%XX</c>, UTF-8); <c>+</c> stays <c>+</c>.</summary>
    public static string DecodeBatchKey(string encoded) => Uri.UnescapeDataString(encoded);

    private static string Encode(string text, Func<byte, bool> keep)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = new StringBuilder(bytes.Length + 8);
        foreach (var b in bytes)
        {
            if (b < 0x80 && keep(b)) result.Append((char)b);
            else result.Append('%').Append(Convert.ToHexString([b]));
        }
        return result.ToString();
    }
}
