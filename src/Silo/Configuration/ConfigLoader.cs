using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Configuration;

/// <summary>A validated configuration with its loaded auth keys and the warnings to log at start-up.</summary>
internal sealed record LoadedConfiguration(ConfigurationBinding Binding)
{
    /// <summary>Every section's options.</summary>
    public ObjectStoreOptions Options => Binding.Options;

    /// <summary>The auth keys.</summary>
    public KeyDirectory Keys => Binding.Keys;

    /// <summary>What start-up logs as warnings.</summary>
    public IReadOnlyList<string> Warnings => Binding.Warnings;
}

/// <summary>
/// Layers built-in defaults (the options' initial values) &lt; the YAML file (<c>-c/--config</c>) &lt;
/// <c>OS__SECTION__KEY</c> environment variables on Microsoft.Extensions.Configuration, then binds the options and runs
/// their start-up validation (<c>ValidateOnStart</c>, see <see cref="ObjectStoreOptionsServices"/>) before anything
/// serves. Every problem is reported at once in a <see cref="ConfigurationException"/>.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>Loads from the process environment.</summary>
    public static LoadedConfiguration Load(string? configFile) => Load(configFile, ProcessEnvironment());

    /// <summary>Loads from <paramref name="configFile"/> (optional) and the given environment.</summary>
    public static LoadedConfiguration Load(string? configFile, IEnumerable<KeyValuePair<string, string?>> environment) =>
        Load(configFile is null ? new ConfigurationBuilder().Build() : YamlConfigurationFile.Load(configFile), environment);

    /// <summary>Loads from an already parsed file and the given environment.</summary>
    public static LoadedConfiguration Load(IConfiguration file, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var binding = new ConfigurationBinding(Layer(file, environment, out var environmentWarnings), environmentWarnings);
        using var services = new ServiceCollection().AddObjectStoreOptions(binding).BuildServiceProvider();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (Exception e) when (ConfigurationException.FromValidation(e) is { } invalid)
        {
            // In the order the binding met them (the validator goes section by section), as one list.
            var order = binding.Errors.ToList();
            throw new ConfigurationException([.. invalid.Errors.OrderBy(order.IndexOf)]);
        }
        return new LoadedConfiguration(binding);
    }

    /// <summary>The file's keys with the <c>OS__</c> variables over them (see <see cref="EnvironmentConfigurationSource"/>).</summary>
    public static IConfigurationRoot Layer(IConfiguration file, IEnumerable<KeyValuePair<string, string?>> environment, out IReadOnlyList<string> warnings)
    {
        // The file's keys are layered as they are (the YAML provider is a one-shot parse); the environment layer also
        // needs them to hide what its values replace (figment's merge).
        var fileKeys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in file.AsEnumerable())
            if (value is not null) fileKeys[key] = value;
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(fileKeys)
            .Add(new EnvironmentConfigurationSource(environment, fileKeys))
            .Build();
        warnings = root.Providers.OfType<EnvironmentConfigurationProvider>().Single().Warnings;
        return root;
    }

    private static IEnumerable<KeyValuePair<string, string?>> ProcessEnvironment()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            yield return new((string)entry.Key, entry.Value as string);
    }
}
