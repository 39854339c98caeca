using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// A cursor over one configuration section (Microsoft.Extensions.Configuration) at a dotted path, for the values
/// whose syntax is objectstore's (humantime durations, <c>ip:port</c>, lower-case choices, figment lists):
/// typed getters record which keys were read (<see cref="ConfigDiagnostics.WarnUnknownKeys"/> reports the rest)
/// and add an error naming the key when a value has the wrong shape (returning null so binding goes on and reports
/// every problem at once). Keys are case-insensitive, as everywhere in Microsoft.Extensions.Configuration.
/// </summary>
internal sealed class ConfigSection
{
    private readonly string _path;
    private readonly IConfiguration _table;
    private readonly ConfigDiagnostics _diagnostics;

    /// <summary>Enters <paramref name="table"/> at the dotted <paramref name="path"/> (<c>""</c> is the top level).</summary>
    public ConfigSection(string path, IConfiguration table, ConfigDiagnostics diagnostics)
    {
        (_path, _table, _diagnostics) = (path, table, diagnostics);
        diagnostics.Opened.Add(path);
    }

    public ConfigDiagnostics Diagnostics => _diagnostics;

    /// <summary>The dotted key of a child (a <c>:</c> path into nested tables is dotted too).</summary>
    public string KeyOf(string key)
    {
        var dotted = key.Replace(ConfigurationPath.KeyDelimiter, ".", StringComparison.Ordinal);
        return _path.Length == 0 ? dotted : _path + "." + dotted;
    }

    public void Error(string key, string message) => _diagnostics.AddError($"{KeyOf(key)}: {message}");

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => ConfigurationShape.Exists(_table.GetSection(key));

    /// <summary>The raw section, marking the key read; null when absent or null.</summary>
    public IConfigurationSection? Node(string key)
    {
        _diagnostics.Read.Add(KeyOf(key));
        // A path through nested tables opens each of them, so their other keys are reported unknown, and needs them to be tables.
        for (var end = key.IndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal); end > 0;
             end = key.IndexOf(ConfigurationPath.KeyDelimiter, end + 1, StringComparison.Ordinal))
        {
            var table = key[..end];
            _diagnostics.Opened.Add(KeyOf(table));
            var outer = _table.GetSection(table);
            if (ConfigurationShape.Exists(outer) && !ConfigurationShape.IsTable(outer))
                _diagnostics.AddError($"{KeyOf(table)}: expected a table, got {ConfigurationShape.Describe(outer)}");
        }
        var node = _table.GetSection(key);
        return ConfigurationShape.Exists(node) ? node : null;
    }

    public string? String(string key) => Scalar(key, "a string", trim: false);

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

    /// <summary>True when the value is <c>off</c> or <c>0</c>: a setting switched off.</summary>
    public bool IsOff(string key) =>
        Node(key) is { } node && ConfigurationShape.Scalar(node)?.Trim() is { } text
        && (text == "0" || string.Equals(text, "off", StringComparison.OrdinalIgnoreCase));

    /// <summary><c>ip:port</c>, <c>[v6]:port</c> or <c>localhost:port</c>.</summary>
    public IPEndPoint? EndPoint(string key)
    {
        var text = String(key);
        if (text is null) return null;
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan("localhost:".Length), out var localPort))
            return new IPEndPoint(IPAddress.Loopback, localPort);
        if (IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':') && (endPoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Contains("]:")))
            return endPoint;
        Error(key, $"expected <ip>:<port> (e.g. 127.0.0.1:8888), got '{text}'");
        return null;
    }

    /// <summary>An absolute <c>http://</c> or <c>https://</c> URL.</summary>
    public Uri? HttpUrl(string key)
    {
        var text = String(key);
        if (text is null) return null;
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        Error(key, $"expected an http:// or https:// URL (e.g. http://127.0.0.1:4317), got '{text}'");
        return null;
    }

    /// <summary><c>[[name, value], …]</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Pairs(string key)
    {
        var items = List(key);
        if (items is null) return null;
        var pairs = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < items.Count; i++)
        {
            if (ConfigurationShape.IsList(items[i]) && ConfigurationShape.Children(items[i]) is [var name, var value]
                && ConfigurationShape.Scalar(name) is { } n && ConfigurationShape.Scalar(value) is { } v)
                pairs.Add(new(n, v));
            else
                Error($"{key}[{i}]", $"expected a [name, value] pair, got {ConfigurationShape.Describe(items[i])}");
        }
        return pairs;
    }

    /// <summary>One of <paramref name="choices"/> (case-insensitive).</summary>
    public object? Choice(string key, IReadOnlyDictionary<string, object> choices)
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
            if (ConfigurationShape.Scalar(items[i]) is { } text) result.Add(text);
            else Error($"{key}[{i}]", $"expected a string, got {ConfigurationShape.Describe(items[i])}");
        }
        return result;
    }

    /// <summary>A list's items; null when absent (or not a list, with an error).</summary>
    public IReadOnlyList<IConfigurationSection>? List(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (ConfigurationShape.IsList(node)) return ConfigurationShape.Children(node);
        Error(key, $"expected a list, got {ConfigurationShape.Describe(node)}");
        return null;
    }

    /// <summary>A child table as a section; null when absent (or wrong-typed, with an error).</summary>
    public ConfigSection? Section(string key) => Node(key) is { } node ? SectionOf(key, node) : null;

    /// <summary>A list item or map value as a section at an explicit path.</summary>
    public ConfigSection? SectionOf(string displayKey, IConfigurationSection node)
    {
        if (ConfigurationShape.IsTable(node)) return new ConfigSection(KeyOf(displayKey), node, _diagnostics);
        _diagnostics.AddError($"{KeyOf(displayKey)}: expected a table, got {ConfigurationShape.Describe(node)}");
        return null;
    }

    /// <summary>Every entry of this table (for user-keyed maps like <c>auth.keys</c>), marking all read.</summary>
    public IEnumerable<KeyValuePair<string, IConfigurationSection>> Entries()
    {
        foreach (var entry in ConfigurationShape.Children(_table))
        {
            _diagnostics.Read.Add(KeyOf(entry.Key));
            yield return new(entry.Key, entry);
        }
    }

    /// <summary>A plain value; otherwise an error naming the key, and null.</summary>
    private string? Scalar(string key, string expected, bool trim = true)
    {
        var node = Node(key);
        if (node is null) return null;
        if (ConfigurationShape.Scalar(node) is { } text) return trim ? text.Trim() : text;
        Error(key, $"expected {expected}, got {ConfigurationShape.Describe(node)}");
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
