using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ObjectStore.Silo.Configuration;

/// <summary>Reads a YAML configuration file into a <see cref="ConfigTable"/>.</summary>
internal static class YamlConfigReader
{
    /// <summary>Parses YAML text; an empty document is an empty table. Throws <see cref="ConfigurationException"/>.</summary>
    public static ConfigTable Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException([$"{source}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}"]);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this for some malformed flow collections instead of a YamlException.
            throw new ConfigurationException([$"{source}: invalid YAML: {e.Message}"]);
        }
        if (stream.Documents.Count == 0) return new ConfigTable();
        return Convert(stream.Documents[0].RootNode) switch
        {
            ConfigTable table => table,
            ConfigScalar { Text: null } => new ConfigTable(),
            _ => throw new ConfigurationException([$"{source}: the top level must be a mapping of configuration keys"]),
        };
    }

    /// <summary>Reads and parses a file.</summary>
    public static ConfigTable Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException([$"config file '{path}': {e.Message}"]);
        }
        return Parse(text, $"config file '{path}'");
    }

    private static ConfigNode Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMapping(map),
        YamlSequenceNode seq => new ConfigList(seq.Children.Select(Convert).ToList()),
        YamlScalarNode scalar => new ConfigScalar(IsNull(scalar) ? null : scalar.Value),
        _ => new ConfigScalar(null),
    };

    private static ConfigTable ConvertMapping(YamlMappingNode map)
    {
        var table = new ConfigTable();
        foreach (var (key, value) in map.Children)
            table[key is YamlScalarNode { Value: { } k } ? k : key.ToString()] = Convert(value);
        return table;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
