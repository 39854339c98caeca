using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// The <c>OS__SECTION__KEY</c> environment variables as configuration keys: prefix and names case-insensitive,
/// <c>__</c> nests, values in figment syntax expanded (<c>OS__AUTH__KEYS={k1={key_files=[a]}}</c> →
/// <c>auth:keys:k1:key_files:0 = a</c>). figment's merge is kept over the file layer below it: tables merge key by
/// key, any other value (a string, a list) replaces what the file had there, so a shorter list from the environment
/// does not keep the file's extra items (Microsoft.Extensions.Configuration alone would merge lists by index).
/// </summary>
internal sealed class EnvironmentConfigurationSource(
    IEnumerable<KeyValuePair<string, string?>> environment, IReadOnlyDictionary<string, string?> below) : IConfigurationSource
{
    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new EnvironmentConfigurationProvider(environment, below);
}

/// <summary>See <see cref="EnvironmentConfigurationSource"/>.</summary>
internal sealed class EnvironmentConfigurationProvider(
    IEnumerable<KeyValuePair<string, string?>> environment, IReadOnlyDictionary<string, string?> below) : ConfigurationProvider
{
    /// <summary>The environment variable prefix.</summary>
    public const string Prefix = "OS__";

    /// <summary>Variables that were skipped, each naming the variable.</summary>
    public List<string> Warnings { get; } = [];

    /// <inheritdoc />
    public override void Load()
    {
        Data.Clear();
        Warnings.Clear();
        // Sorted so that OS__AUTH={…} lands before OS__AUTH__ENFORCE and the more specific one wins.
        foreach (var (name, value) in environment.OrderBy(e => e.Key.Length).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(value)) continue;
            var path = name[Prefix.Length..].ToLowerInvariant().Split("__");
            if (path.Any(string.IsNullOrEmpty))
            {
                Warnings.Add($"environment variable '{name}' ignored: empty key segment");
                continue;
            }
            Set(ConfigurationPath.Combine(path), FigmentValue.Parse(value));
        }
    }

    private void Set(string key, JsonNode? value)
    {
        if (value is JsonObject table)
        {
            // A table merges into a table; over a plain value it wins anyway (a key with children reads as a table).
            Data.Remove(key);
            foreach (var (name, item) in table) Set(ConfigurationPath.Combine(key, name), item);
            return;
        }
        Replace(key);
        if (value is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++) Set(ConfigurationPath.Combine(key, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), list[i]);
        }
        else
        {
            Data[key] = value?.GetValue<string>();
        }
    }

    /// <summary>Drops what earlier variables set at or under <paramref name="key"/> and hides the file's values there (null wins).</summary>
    private void Replace(string key)
    {
        var prefix = key + ConfigurationPath.KeyDelimiter;
        foreach (var existing in Data.Keys.Where(k => Under(k, key, prefix)).ToList()) Data.Remove(existing);
        foreach (var (existing, value) in below)
            if (value is not null && Under(existing, key, prefix)) Data[existing] = null;
    }

    private static bool Under(string candidate, string key, string prefix) =>
        candidate.Equals(key, StringComparison.OrdinalIgnoreCase) || candidate.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
