namespace ObjectStore.Gateway.Http;

/// <summary>
/// The query string as <c>application/x-www-form-urlencoded</c> pairs (what the reference's query
/// extraction sees): split on <c>&amp;</c>, names and values decoded with <c>+</c> as space.
/// Lookups are by exact (case-sensitive) name.
/// </summary>
internal sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    private QueryParameters(List<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    /// <summary>All pairs in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>Parses a raw query string (without <c>?</c>).</summary>
    public static QueryParameters Parse(string rawQuery)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var query = rawQuery.AsSpan();
        foreach (var range in query.Split('&'))
        {
            var piece = query[range];
            if (piece.IsEmpty) continue;
            var eq = piece.IndexOf('=');
            var name = eq < 0 ? piece : piece[..eq];
            var value = eq < 0 ? default : piece[(eq + 1)..];
            pairs.Add(new(PercentEncoding.DecodeForm(name), PercentEncoding.DecodeForm(value)));
        }
        return new QueryParameters(pairs);
    }

    /// <summary>How many times <paramref name="name"/> occurs.</summary>
    public int Count(string name)
    {
        var n = 0;
        foreach (var p in _pairs)
            if (p.Key == name) n++;
        return n;
    }

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        foreach (var p in _pairs)
            if (p.Key == name) return p.Value;
        return null;
    }
}
