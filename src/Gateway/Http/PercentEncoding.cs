using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// Percent-encoding as objectstore uses it: path segments and batch keys decode with <c>+</c> kept
/// literal and invalid UTF-8 rejected; invalid escapes (<c>%zz</c>, a trailing <c>%</c>) stay literal;
/// keys are encoded with every byte outside <c>[A-Za-z0-9]</c> escaped in uppercase hex.
/// </summary>
internal static class PercentEncoding
{
    private const int StackLimit = 512;

    /// <summary>Decodes once, <c>+</c> literal; false when the bytes are not valid UTF-8.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out string decoded) => TryDecode(text, plusIsSpace: false, lossy: false, out decoded);

    /// <summary>Decodes an <c>application/x-www-form-urlencoded</c> component: <c>+</c> is a space, bad UTF-8 becomes U+FFFD.</summary>
    public static string DecodeForm(ReadOnlySpan<char> text)
    {
        TryDecode(text, plusIsSpace: true, lossy: true, out var decoded);
        return decoded;
    }

    private static bool TryDecode(ReadOnlySpan<char> text, bool plusIsSpace, bool lossy, out string decoded)
    {
        if (!NeedsDecoding(text, plusIsSpace))
        {
            decoded = text.ToString();
            return true;
        }
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
                {
                    buffer[length++] = (byte)(HexValue(text[i + 1]) << 4 | HexValue(text[i + 2]));
                    i += 2;
                }
                else if (c == '+' && plusIsSpace)
                {
                    buffer[length++] = (byte)' ';
                }
                else if (c < 0x80)
                {
                    buffer[length++] = (byte)c;
                }
                else
                {
                    // Non-ASCII characters in the raw target (Kestrel decodes it as UTF-8) are re-encoded.
                    var end = i + 1 < text.Length && char.IsSurrogatePair(c, text[i + 1]) ? i + 2 : i + 1;
                    length += Encoding.UTF8.GetBytes(text[i..end], buffer[length..]);
                    i = end - 1;
                }
            }
            var bytes = buffer[..length];
            if (!lossy && !Utf8.IsValid(bytes))
            {
                decoded = "";
                return false;
            }
            decoded = Encoding.UTF8.GetString(bytes);
            return true;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool NeedsDecoding(ReadOnlySpan<char> text, bool plusIsSpace)
    {
        foreach (var c in text)
            if (c == '%' || (c == '+' && plusIsSpace) || c >= 0x80) return true;
        return false;
    }

    /// <summary>Encodes every UTF-8 byte outside <c>[A-Za-z0-9]</c> as <c>%XX</c> (uppercase hex).</summary>
    public static string EncodeNonAlphanumeric(string value) => Encode(value, static b => char.IsAsciiLetterOrDigit((char)b));

    /// <summary>
    /// Escapes a free-form metadata value for a header (objectstore-types 0.3.1 <c>headers.rs</c> <c>HEADER_ESCAPE</c>):
    /// controls, DEL, <c>%</c> and every non-ASCII byte; all other visible ASCII and space stay as they are, so a plain
    /// ASCII value is byte-identical on the wire. <see cref="TryDecode(ReadOnlySpan{char}, out string)"/> reverses it.
    /// </summary>
    public static string EncodeHeaderValue(string value) => Encode(value, static b => b is >= 0x20 and < 0x7F and not (byte)'%');

    /// <summary>
    /// An RFC 8187 <c>ext-value</c> with its charset prefix (<c>UTF-8''r%C3%A9port.pdf</c>), for header parameters
    /// like <c>filename*</c>: everything but <c>attr-char</c> (letters, digits, <c>!#$&amp;+-.^_`|~</c>) escaped.
    /// </summary>
    public static string EncodeExtValue(string value) => "UTF-8''" + Encode(value, static b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'!' or (byte)'#' or (byte)'$' or (byte)'&' or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~');

    /// <summary>Escapes every UTF-8 byte of <paramref name="value"/> that <paramref name="keep"/> rejects as <c>%XX</c> (uppercase hex).</summary>
    private static string Encode(string value, Func<byte, bool> keep)
    {
        var needed = false;
        foreach (var c in value)
        {
            if (c >= 0x80 || !keep((byte)c))
            {
                needed = true;
                break;
            }
        }
        if (!needed) return value;
        var byteCount = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        var bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            bytes = bytes[..Encoding.UTF8.GetBytes(value, bytes)];
            var length = 0;
            foreach (var b in bytes) length += b < 0x80 && keep(b) ? 1 : 3;
            char[]? rentedChars = null;
            var chars = length <= StackLimit ? stackalloc char[StackLimit] : (rentedChars = ArrayPool<char>.Shared.Rent(length));
            var j = 0;
            foreach (var b in bytes)
            {
                if (b < 0x80 && keep(b))
                {
                    chars[j++] = (char)b;
                    continue;
                }
                chars[j++] = '%';
                chars[j++] = "0123456789ABCDEF"[b >> 4];
                chars[j++] = "0123456789ABCDEF"[b & 0xF];
            }
            var encoded = new string(chars[..j]);
            if (rentedChars is not null) ArrayPool<char>.Shared.Return(rentedChars);
            return encoded;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
