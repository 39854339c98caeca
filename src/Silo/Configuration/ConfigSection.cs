using System.Globalization;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Configuration;

/// <summary>Errors and warnings collected while binding, each naming its key.</summary>
internal sealed class ConfigDiagnostics
{
    public List<string> Errors { get; } = [];

    public List<string> Warnings { get; } = [];

    /// <summary>Every key path the binder asked for, present or not: what docs/configuration.md is checked against.</summary>
    public HashSet<string> Read { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A cursor over one configuration table at a dotted path. Typed getters record which keys were read,
/// add an error naming the key when a value has the wrong shape (returning null so binding goes on
/// and reports every problem at once), and <see cref="WarnUnknownKeys"/> reports the rest.
/// </summary>
internal sealed class ConfigSection(string path, ConfigTable table, ConfigDiagnostics diagnostics)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public string Path => path;

    public ConfigDiagnostics Diagnostics => diagnostics;

    /// <summary>The dotted key of a child.</summary>
    public string KeyOf(string key) => path.Length == 0 ? key : path + "." + key;

    public void Error(string key, string message) => diagnostics.Errors.Add($"{KeyOf(key)}: {message}");

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => table[key] is not null and not ConfigScalar { Text: null };

    /// <summary>The raw node, marking the key read; null when absent or null.</summary>
    public ConfigNode? Node(string key)
    {
        _read.Add(key);
        diagnostics.Read.Add(KeyOf(key));
        return table[key] is ConfigScalar { Text: null } ? null : table[key];
    }

    public string? String(string key) => As<ConfigScalar>(key, "a string")?.Text;

    public bool? Bool(string key)
    {
        var text = Scalar(key, "true or false");
        if (text is null) return null;
        if (bool.TryParse(text, out var value)) return value;
        Error(key, $"expected true or false, got '{text}'");
        return null;
    }

    public long? Integer(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = Scalar(key, "an integer");
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        Error(key, $"expected an integer{RangeText(min, max)}, got '{text}'");
        return null;
    }

    public double? Number(string key, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = Scalar(key, "a number");
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max)
            return value;
        Error(key, $"expected a number{RangeText(min, max)}, got '{text}'");
        return null;
    }

    /// <summary>A humantime duration (<c>1s</c>, <c>500ms</c>, <c>90d</c>).</summary>
    public TimeSpan? Duration(string key)
    {
        var text = Scalar(key, "a duration");
        if (text is null) return null;
        if (HumanDuration.TryParse(text, out var value)) return value;
        Error(key, $"expected a duration like '1s' or '30d', got '{text}'");
        return null;
    }

    /// <summary>One of <paramref name="choices"/> (case-insensitive).</summary>
    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices) where T : struct
    {
        var text = Scalar(key, "one of " + string.Join(", ", choices.Keys));
        if (text is null) return null;
        foreach (var (name, value) in choices)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        Error(key, $"expected one of {string.Join(", ", choices.Keys)}, got '{text}'");
        return null;
    }

    public IReadOnlyList<string>? StringList(string key)
    {
        var items = List(key);
        if (items is null) return null;
        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is ConfigScalar { Text: { } text }) result.Add(text);
            else Error($"{key}[{i}]", $"expected a string, got {items[i].Describe()}");
        }
        return result;
    }

    public IReadOnlyList<ConfigNode>? List(string key) => As<ConfigList>(key, "a list")?.Items;

    /// <summary>A child table as a section; null when absent (or wrong-typed, with an error).</summary>
    public ConfigSection? Section(string key) =>
        As<ConfigTable>(key, "a table") is { } t ? new ConfigSection(KeyOf(key), t, diagnostics) : null;

    /// <summary>A list item or map value as a section at an explicit path.</summary>
    public ConfigSection? SectionOf(string displayKey, ConfigNode node)
    {
        if (node is ConfigTable t) return new ConfigSection(KeyOf(displayKey), t, diagnostics);
        diagnostics.Errors.Add($"{KeyOf(displayKey)}: expected a table, got {node.Describe()}");
        return null;
    }

    /// <summary>Every entry of this table (for user-keyed maps like <c>auth.keys</c>), marking all read.</summary>
    public IEnumerable<KeyValuePair<string, ConfigNode>> Entries()
    {
        foreach (var entry in table.Entries)
        {
            _read.Add(entry.Key);
            diagnostics.Read.Add(KeyOf(entry.Key));
            yield return entry;
        }
    }

    /// <summary>Warns about keys nobody read: unknown keys are ignored, as objectstore does.</summary>
    public void WarnUnknownKeys()
    {
        foreach (var key in table.Entries.Keys)
            if (!_read.Contains(key)) diagnostics.Warnings.Add($"unknown configuration key '{KeyOf(key)}' ignored");
    }

    private string? Scalar(string key, string expected) => As<ConfigScalar>(key, expected)?.Text!.Trim();

    /// <summary>The node when it has the expected shape; otherwise an error naming the key, and null.</summary>
    private T? As<T>(string key, string expected) where T : ConfigNode
    {
        var node = Node(key);
        if (node is null or T) return (T?)node;
        Error(key, $"expected {expected}, got {node.Describe()}");
        return null;
    }

    // Bounds at the edges of int/long/double are "unbounded" and not worth printing.
    private static string RangeText(double min, double max)
    {
        var hasMin = min > int.MinValue;
        var hasMax = max < int.MaxValue;
        var lo = min.ToString(CultureInfo.InvariantCulture);
        var hi = max.ToString(CultureInfo.InvariantCulture);
        return (hasMin, hasMax) switch
        {
            (true, true) => $" in {lo}..{hi}",
            (true, false) => $" ≥ {lo}",
            (false, true) => $" ≤ {hi}",
            _ => "",
        };
    }
}
