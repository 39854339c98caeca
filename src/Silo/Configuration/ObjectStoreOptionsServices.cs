using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Grains.Concurrency;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// The options pattern over the layered configuration: every section is an options class (<c>IOptions&lt;StorageOptions&gt;</c>,
/// <c>IOptions&lt;ClusterOptions&gt;</c>, …) bound from its configuration section, with an <see cref="IValidateOptions{TOptions}"/>
/// that reports every problem of the section naming its dotted key, checked before anything serves (<c>ValidateOnStart</c>).
/// <see cref="ObjectStoreOptions"/> is the whole, validated for the top-level keys (<c>http_addr</c>) and anything no section owns.
/// </summary>
internal static class ObjectStoreOptionsServices
{
    /// <summary>The sections, by their top-level key.</summary>
    public static readonly IReadOnlyList<string> Sections =
        ["storage", "auth", "killswitches", "rate_limits", "usecases", "service", "http", "logging", "cluster", "metrics", "startup"];

    /// <summary>Registers every section's options over <paramref name="binding"/>, each validated on start.</summary>
    public static IServiceCollection AddObjectStoreOptions(this IServiceCollection services, ConfigurationBinding binding)
    {
        services.TryAddSingleton(binding);
        Add(services, "", o => o);
        Add(services, "storage", o => o.Storage);
        Add(services, "auth", o => o.Auth);
        Add(services, "killswitches", o => o.Killswitches);
        Add(services, "rate_limits", o => o.RateLimits);
        Add(services, "usecases", o => o.Usecases);
        Add(services, "service", o => o.Service);
        Add(services, "http", o => o.Http);
        Add(services, "logging", o => o.Logging);
        Add(services, "cluster", o => o.Cluster);
        Add(services, "metrics", o => o.Metrics);
        Add(services, "startup", o => o.Startup);
        return services;
    }

    private static void Add<T>(IServiceCollection services, string section, Func<ObjectStoreOptions, T> select) where T : class
    {
        services.AddOptions<T>().ValidateOnStart();
        services.AddSingleton<IOptionsFactory<T>>(provider => new SectionOptionsFactory<T>(
            provider.GetRequiredService<ConfigurationBinding>(), select, provider.GetServices<IConfigureOptions<T>>(),
            provider.GetServices<IPostConfigureOptions<T>>(), provider.GetServices<IValidateOptions<T>>()));
        services.AddSingleton<IValidateOptions<T>>(provider => new SectionValidator<T>(provider.GetRequiredService<ConfigurationBinding>(), section));
    }

    /// <summary>
    /// The section's problems, each naming its key; <c>""</c> (the whole) gets the top-level keys' and the ones no section
    /// owns. The cross-key rules (<see cref="ConfigValidator"/>) land in the section of the key they name.
    /// </summary>
    private sealed class SectionValidator<T>(ConfigurationBinding binding, string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var errors = binding.Errors.Where(e => ConfigurationBinding.SectionOf(e) == section).ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    /// <summary>Hands out the section of the one binding instead of constructing and binding by reflection.</summary>
    private sealed class SectionOptionsFactory<T>(ConfigurationBinding binding, Func<ObjectStoreOptions, T> select,
        IEnumerable<IConfigureOptions<T>> setups, IEnumerable<IPostConfigureOptions<T>> postSetups, IEnumerable<IValidateOptions<T>> validations)
        : OptionsFactory<T>(setups, postSetups, validations) where T : class
    {
        protected override T CreateInstance(string name) => select(binding.Options);
    }
}

/// <summary>
/// The layered configuration bound once: the options of every section, the auth key directory, the problems
/// (errors and warnings, each naming its key) and the keys the binding read. The section options of
/// <see cref="ObjectStoreOptionsServices"/> are views of it, so the cross-key rules see one consistent whole.
/// </summary>
internal sealed class ConfigurationBinding
{
    /// <summary>Binds and validates <paramref name="configuration"/>; <paramref name="warnings"/> are the layers' own (skipped variables).</summary>
    public ConfigurationBinding(IConfiguration configuration, IEnumerable<string> warnings)
    {
        var diagnostics = new ConfigDiagnostics();
        diagnostics.Warnings.AddRange(warnings);
        Options = Bind(configuration, diagnostics);
        Keys = diagnostics.Errors.Count == 0 ? ConfigValidator.LoadKeys(Options.Auth, diagnostics) : KeyDirectory.Empty;
        Configuration = configuration;
        Errors = diagnostics.Errors;
        Warnings = diagnostics.Warnings;
    }

    /// <summary>
    /// Binds every section (<see cref="OptionsBinder"/>), accepts objectstore's unused keys, checks the rules that span
    /// keys (<see cref="ConfigValidator"/>) and reports the keys nothing read.
    /// </summary>
    public static ObjectStoreOptions Bind(IConfiguration configuration, ConfigDiagnostics diagnostics)
    {
        var root = new ConfigSection("", configuration, diagnostics);
        var options = OptionsBinder.Bind<ObjectStoreOptions>(root);
        UnusedObjectstoreKeys.Accept(root);
        ConfigValidator.Check(options, diagnostics);
        diagnostics.WarnUnknownKeys(configuration);
        return options;
    }

    /// <summary>The layered keys.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The whole configuration (defaults where a key is absent or bad).</summary>
    public ObjectStoreOptions Options { get; }

    /// <summary>The auth keys read from <c>auth.keys.&lt;kid&gt;.key_files</c> (empty when anything failed).</summary>
    public KeyDirectory Keys { get; }

    /// <summary>Every problem, one line each, in the order the binding met them.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Unknown keys, keys accepted but unused, settings without effect.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The section an error line belongs to: its key's first segment when that is a section, else <c>""</c>.</summary>
    public static string SectionOf(string error)
    {
        var end = error.IndexOfAny(['.', '[', ':', ' ']);
        var first = end < 0 ? error : error[..end];
        return ObjectStoreOptionsServices.Sections.Contains(first) ? first : "";
    }
}
