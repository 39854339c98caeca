namespace ObjectStore.Gateway.Http;

/// <summary>
/// Media type validation as strict as the reference's (RFC 6838 names): <c>type/subtype</c> of
/// restricted-name characters, then <c>; name=value</c> parameters with token or quoted-string values.
/// No wildcards, no empty parts, no trailing <c>;</c>.
/// </summary>
internal static class MediaType
{
    private const int MaxNameLength = 127;

    /// <summary>True when <paramref name="value"/> is a valid media type.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        var i = 0;
        if (!RestrictedName(value, ref i) || i >= value.Length || value[i] != '/') return false;
        i++;
        if (!RestrictedName(value, ref i)) return false;
        while (true)
        {
            SkipWhitespace(value, ref i);
            if (i == value.Length) return true;
            if (value[i] != ';') return false;
            i++;
            SkipWhitespace(value, ref i);
            if (!RestrictedName(value, ref i) || i >= value.Length || value[i] != '=') return false;
            i++;
            if (i < value.Length && value[i] == '"')
            {
                if (!QuotedString(value, ref i)) return false;
            }
            else
            {
                var start = i;
                while (i < value.Length && IsTokenChar(value[i])) i++;
                if (i == start) return false;
            }
        }
    }

    private static bool RestrictedName(ReadOnlySpan<char> value, ref int i)
    {
        var start = i;
        if (i >= value.Length || !char.IsAsciiLetterOrDigit(value[i])) return false;
        i++;
        while (i < value.Length && IsRestrictedChar(value[i])) i++;
        return i - start <= MaxNameLength;
    }

    private static bool QuotedString(ReadOnlySpan<char> value, ref int i)
    {
        i++;
        while (i < value.Length)
        {
            var c = value[i++];
            if (c == '"') return true;
            if (c == '\\')
            {
                if (i >= value.Length) return false;
                i++;
            }
            else if (c < 0x20 && c != '\t' || c == 0x7F)
            {
                return false;
            }
        }
        return false;
    }

    private static void SkipWhitespace(ReadOnlySpan<char> value, ref int i)
    {
        while (i < value.Length && value[i] is ' ' or '\t') i++;
    }

    private static bool IsRestrictedChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+';

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
