using System.Collections;
using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Configuration;

/// <summary>A validated configuration with its loaded auth keys and the warnings to log at start-up.</summary>
internal sealed record LoadedConfiguration(ObjectStoreOptions Options, KeyDirectory Keys, IReadOnlyList<string> Warnings);

/// <summary>
/// Layers built-in defaults &lt; the YAML file (<c>-c/--config</c>) &lt; <c>OS__SECTION__KEY</c>
/// environment variables (prefix and names case-insensitive, <c>__</c> nests, values in figment syntax),
/// then binds and validates. Every problem is reported at once in a <see cref="ConfigurationException"/>.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>The environment variable prefix.</summary>
    public const string EnvironmentPrefix = "OS__";

    /// <summary>Loads from the process environment.</summary>
    public static LoadedConfiguration Load(string? configFile) => Load(configFile, ProcessEnvironment());

    /// <summary>Loads from <paramref name="configFile"/> (optional) and the given environment.</summary>
    public static LoadedConfiguration Load(string? configFile, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var root = configFile is null ? new ConfigTable() : YamlConfigReader.Load(configFile);
        return Load(root, environment);
    }

    /// <summary>Loads from an already parsed file tree and the given environment.</summary>
    public static LoadedConfiguration Load(ConfigTable file, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var diagnostics = new ConfigDiagnostics();
        file.Merge(ReadEnvironment(environment, diagnostics));
        var options = ConfigBinder.Bind(file, diagnostics);
        var keys = diagnostics.Errors.Count == 0 ? ConfigValidator.Validate(options, diagnostics) : KeyDirectory.Empty;
        if (diagnostics.Errors.Count > 0) throw new ConfigurationException(diagnostics.Errors);
        return new LoadedConfiguration(options, keys, diagnostics.Warnings);
    }

    /// <summary>The <c>OS__…</c> variables as a tree: <c>OS__AUTH__ENFORCE=true</c> → <c>auth.enforce</c>.</summary>
    public static ConfigTable ReadEnvironment(IEnumerable<KeyValuePair<string, string?>> environment, ConfigDiagnostics diagnostics)
    {
        var table = new ConfigTable();
        // Sorted so that OS__AUTH={…} lands before OS__AUTH__ENFORCE and the more specific one wins.
        foreach (var (name, value) in environment.OrderBy(e => e.Key.Length).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(value)) continue;
            var path = name[EnvironmentPrefix.Length..].ToLowerInvariant().Split("__");
            if (path.Any(string.IsNullOrEmpty))
            {
                diagnostics.Warnings.Add($"environment variable '{name}' ignored: empty key segment");
                continue;
            }
            table.SetPath(path, FigmentValue.Parse(value));
        }
        return table;
    }

    private static IEnumerable<KeyValuePair<string, string?>> ProcessEnvironment()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            yield return new((string)entry.Key, entry.Value as string);
    }
}
