using System.Text;

namespace ObjectStore.Gateway.Auth;

/// <summary>
/// The raw query string as received (no leading <c>?</c>): pairs split on <c>&amp;</c> and the first
/// <c>=</c>, keys compared exactly, values form-decoded (<c>+</c> → space, lossy UTF-8) only on request.
/// </summary>
internal static class RawQuery
{
    /// <summary>True when some pair's raw key is exactly <paramref name="key"/> (case-sensitive, not decoded).</summary>
    public static bool HasRawKey(string rawQuery, string key)
    {
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var item = rawQuery.AsSpan()[range];
            var eq = item.IndexOf('=');
            if ((eq < 0 ? item : item[..eq]).SequenceEqual(key)) return true;
        }
        return false;
    }

    /// <summary>
    /// The form-decoded value of the parameter whose decoded name is <paramref name="key"/>;
    /// <paramref name="duplicate"/> is set when it occurs more than once (the first value is returned).
    /// </summary>
    public static string? Get(string rawQuery, string key, out bool duplicate)
    {
        duplicate = false;
        string? found = null;
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var item = rawQuery.AsSpan()[range];
            if (item.IsEmpty) continue;
            var eq = item.IndexOf('=');
            var name = FormDecode(eq < 0 ? item : item[..eq]);
            if (name != key) continue;
            if (found is not null)
            {
                duplicate = true;
                continue;
            }
            found = eq < 0 ? "" : FormDecode(item[(eq + 1)..]);
        }
        return found;
    }

    /// <summary>application/x-www-form-urlencoded decoding: <c>+</c> is a space, bad escapes stay literal.</summary>
    public static string FormDecode(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny('+', '%') < 0) return text.ToString();
        var result = new StringBuilder(text.Length);
        var pending = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                pending.Add(Convert.ToByte(text.Slice(i + 1, 2).ToString(), 16));
                i += 2;
                continue;
            }
            Flush(result, pending);
            result.Append(text[i] == '+' ? ' ' : text[i]);
        }
        Flush(result, pending);
        return result.ToString();
    }

    // Escaped bytes are collected per run so multi-byte UTF-8 sequences decode together (lossily, like the reference).
    private static void Flush(StringBuilder result, List<byte> pending)
    {
        if (pending.Count == 0) return;
        result.Append(Encoding.UTF8.GetString(pending.ToArray()));
        pending.Clear();
    }
}
