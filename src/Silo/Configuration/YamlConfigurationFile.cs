using System.Globalization;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// The YAML configuration file (<c>-c/--config</c>) as a Microsoft.Extensions.Configuration provider over YamlDotNet:
/// mappings nest (<c>storage:type</c>), sequences are indexed (<c>killswitches:0:usecase</c>), YAML nulls (<c>~</c>,
/// <c>null</c>, an empty plain value) are absent keys while a quoted <c>''</c> stays an empty string. Parse failures
/// are one <see cref="ConfigurationException"/> line naming the file, and the line and column when the parser knows them.
/// (NetEscapades.Configuration.Yaml 3.1.0 was tried: it turns an empty plain value into "" rather than null.)
/// </summary>
internal sealed class YamlConfigurationFile : ConfigurationProvider
{
    private YamlConfigurationFile(string yaml, string source)
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
        if (stream.Documents.Count == 0) return;
        switch (stream.Documents[0].RootNode)
        {
            case YamlMappingNode root:
                Add(null, root);
                break;
            case YamlScalarNode scalar when IsNull(scalar):
                break;
            default:
                throw new ConfigurationException([$"{source}: the top level must be a mapping of configuration keys"]);
        }
    }

    /// <summary>Reads and parses a file.</summary>
    public static IConfigurationRoot Load(string path)
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

    /// <summary>Parses YAML text; an empty document has no keys.</summary>
    public static IConfigurationRoot Parse(string yaml, string source) => new ConfigurationRoot([new YamlConfigurationFile(yaml, source)]);

    private void Add(string? path, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Add(Combine(path, key is YamlScalarNode { Value: { } k } ? k : key.ToString()), value);
                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++) Add(Combine(path, i.ToString(CultureInfo.InvariantCulture)), list.Children[i]);
                break;
            case YamlScalarNode scalar when path is not null:
                Data[path] = IsNull(scalar) ? null : scalar.Value;
                break;
        }
    }

    private static string Combine(string? path, string key) => path is null ? key : ConfigurationPath.Combine(path, key);

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
