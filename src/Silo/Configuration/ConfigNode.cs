namespace ObjectStore.Silo.Configuration;

/// <summary>
/// One value of the layered configuration tree, before binding: a table, a list or a scalar. Scalars
/// keep their text (YAML and figment syntax alike); binding decides what type a key needs.
/// </summary>
internal abstract class ConfigNode
{
    /// <summary>A short description for error messages ("a table", "a list", "'abc'").</summary>
    public abstract string Describe();
}

/// <summary>A scalar's text; null text is an explicit null (YAML <c>~</c>), treated as absent.</summary>
internal sealed class ConfigScalar(string? text) : ConfigNode
{
    public string? Text { get; } = text;

    public override string Describe() => Text is null ? "null" : $"'{Text}'";
}

/// <summary>An ordered list.</summary>
internal sealed class ConfigList(IReadOnlyList<ConfigNode> items) : ConfigNode
{
    public IReadOnlyList<ConfigNode> Items { get; } = items;

    public override string Describe() => "a list";
}

/// <summary>A table of named values; keys are case-sensitive (environment paths arrive lower-cased).</summary>
internal sealed class ConfigTable : ConfigNode
{
    private readonly Dictionary<string, ConfigNode> _entries = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ConfigNode> Entries => _entries;

    public ConfigNode? this[string key]
    {
        get => _entries.GetValueOrDefault(key);
        set
        {
            if (value is null) _entries.Remove(key);
            else _entries[key] = value;
        }
    }

    public override string Describe() => "a table";

    /// <summary>
    /// Layers <paramref name="overlay"/> onto this table: tables merge key by key, any other value replaces
    /// what was there (figment's merge).
    /// </summary>
    public void Merge(ConfigTable overlay)
    {
        foreach (var (key, value) in overlay._entries)
        {
            if (value is ConfigTable incoming && _entries.GetValueOrDefault(key) is ConfigTable existing)
                existing.Merge(incoming);
            else
                _entries[key] = value;
        }
    }

    /// <summary>Sets a value at a nested path, creating (or replacing non-table values with) tables on the way.</summary>
    public void SetPath(IReadOnlyList<string> path, ConfigNode value)
    {
        var table = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (table[path[i]] is not ConfigTable next)
            {
                next = new ConfigTable();
                table[path[i]] = next;
            }
            table = next;
        }
        if (value is ConfigTable incoming && table[path[^1]] is ConfigTable existing) existing.Merge(incoming);
        else table[path[^1]] = value;
    }
}
