using System.Runtime.CompilerServices;
using ObjectStore.Silo.Configuration;
using YamlDotNet.RepresentationModel;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>
/// docker/compose.yaml cannot be run here (no Docker engine), so its silos' environments go through the configuration
/// loader the executable uses: every key must be known, every value valid, and the resulting cluster what the file
/// says it is.
/// </summary>
public sealed class ComposeConfigurationTests
{
    [Fact]
    public void Every_silo_of_the_compose_file_loads_a_valid_configuration_without_unknown_keys()
    {
        var silos = SiloEnvironments();
        Assert.Equal(3, silos.Count);
        foreach (var (name, environment) in silos)
        {
            LoadedConfiguration configuration;
            try
            {
                configuration = ConfigLoader.Load(configFile: null, environment.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
            }
            catch (ConfigurationException e)
            {
                throw new Xunit.Sdk.XunitException($"compose service {name}: {e.Message}");
            }
            Assert.True(configuration.Warnings.Count == 0, $"compose service {name}: {string.Join("; ", configuration.Warnings)}");
            Assert.Equal(MembershipType.Postgres, configuration.Options.Cluster.Membership);
            Assert.Equal(8888, configuration.Options.HttpAddr.Port);
        }
    }

    /// <summary>Each <c>silo*</c> service's environment with YAML merge keys resolved, as compose resolves them.</summary>
    private static List<(string Name, Dictionary<string, string> Environment)> SiloEnvironments()
    {
        using var reader = new StreamReader(Path.Combine(RepositoryRoot(), "docker", "compose.yaml"));
        var stream = new YamlStream();
        stream.Load(reader);
        var services = Resolve((YamlMappingNode)Resolve((YamlMappingNode)stream.Documents[0].RootNode)["services"]);
        return services
            .Where(s => s.Key.StartsWith("silo", StringComparison.Ordinal))
            .Select(s => (s.Key, Resolve((YamlMappingNode)Resolve((YamlMappingNode)s.Value)["environment"])
                .ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value!)))
            .ToList();
    }

    /// <summary>A mapping's entries with <c>&lt;&lt;: *anchor</c> merged first and its own keys overriding them (compose's rule).</summary>
    private static Dictionary<string, YamlNode> Resolve(YamlMappingNode mapping)
    {
        var entries = new Dictionary<string, YamlNode>();
        if (mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merged))
            foreach (var source in merged is YamlSequenceNode list ? list.Children : [merged])
                foreach (var (key, value) in Resolve((YamlMappingNode)source)) entries[key] = value;
        foreach (var (key, value) in mapping.Children)
            if (((YamlScalarNode)key).Value is { } name && name != "<<") entries[name] = value;
        return entries;
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
