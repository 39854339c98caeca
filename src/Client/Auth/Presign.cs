namespace ObjectStore.Client.Auth;

/// <summary>The canonical form a pre-signed URL's signature covers (api doc §9.5), as the server rebuilds it.</summary>
internal static class Presign
{
    /// <summary>
    /// <c>METHOD\npath\nquery</c>: HEAD signed as GET; query items split at the first <c>=</c>, names lower-cased, values
    /// as encoded, <c>os_sig</c> dropped, sorted ordinally, joined with <c>&amp;</c>.
    /// </summary>
    public static string CanonicalForm(string method, string encodedPath, string encodedQuery)
    {
        var upper = method.ToUpperInvariant();
        if (upper == "HEAD") upper = "GET";
        var items = new List<string>();
        foreach (var item in encodedQuery.Split('&'))
        {
            if (item.Length == 0) continue;
            var eq = item.IndexOf('=');
            var name = (eq < 0 ? item : item[..eq]).ToLowerInvariant();
            if (name == "os_sig") continue;
            items.Add(eq < 0 ? name : name + item[eq..]);
        }
        items.Sort(StringComparer.Ordinal);
        return upper + "\n" + encodedPath + "\n" + string.Join('&', items);
    }
}
