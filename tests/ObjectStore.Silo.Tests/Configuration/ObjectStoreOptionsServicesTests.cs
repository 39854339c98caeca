using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ObjectStore.Gateway.Auth;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>The sections as validated options classes (<c>IOptions&lt;T&gt;</c>, <c>ValidateOnStart</c>) and the unknown-key report.</summary>
public sealed class ObjectStoreOptionsServicesTests
{
    private static ConfigurationBinding Bind(string yaml) =>
        new(ConfigLoader.Layer(YamlConfigurationFile.Parse(yaml, "test.yaml"), [], out var warnings), warnings);

    [Fact]
    public void Every_section_is_an_options_class_in_the_container()
    {
        using var services = new ServiceCollection()
            .AddObjectStoreOptions(Bind("http: { max_requests: 3 }\nstorage: { path: /d }\ncluster: { id: c1 }\nkillswitches: [ { usecase: a } ]"))
            .BuildServiceProvider();
        Assert.Equal(3, services.GetRequiredService<IOptions<HttpOptions>>().Value.MaxRequests);
        Assert.Equal("/d", services.GetRequiredService<IOptions<StorageOptions>>().Value.Path);
        Assert.Equal("c1", services.GetRequiredService<IOptions<ClusterOptions>>().Value.Id);
        Assert.Equal("a", Assert.Single(services.GetRequiredService<IOptions<IReadOnlyList<Gateway.Admission.Killswitch>>>().Value).Usecase);
        Assert.False(services.GetRequiredService<IOptions<AuthOptions>>().Value.Active);
        Assert.Equal(8888, services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value.HttpAddr.Port);
    }

    [Fact]
    public void Each_sections_validator_reports_the_problems_of_its_own_section()
    {
        using var services = new ServiceCollection()
            .AddObjectStoreOptions(Bind("http: { max_requests: x }\nlogging: { level: loud }"))
            .BuildServiceProvider();
        var http = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HttpOptions>>().Value);
        Assert.Equal("http.max_requests: expected an integer ≥ 0, got 'x'", Assert.Single(http.Failures));
        var logging = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LoggingOptions>>().Value);
        Assert.StartsWith("logging.level: expected one of ", Assert.Single(logging.Failures));
        Assert.Equal("./data", services.GetRequiredService<IOptions<StorageOptions>>().Value.Path);
    }

    [Fact]
    public async Task A_host_with_a_bad_configuration_fails_to_start_with_the_same_lines_the_loader_reports()
    {
        const string yaml = "http: { max_requests: x }\nlogging: { level: loud }";
        var loader = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), []));

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddObjectStoreOptions(Bind(yaml));
        using var host = builder.Build();
        var started = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var invalid = ConfigurationException.FromValidation(started);
        Assert.NotNull(invalid);
        Assert.Equal(loader.Message, invalid.Message);
        Assert.Equal(["http.max_requests: expected an integer ≥ 0, got 'x'", "logging.level: expected one of trace, debug, info, warn, warning, error, off, got 'loud'"], invalid.Errors);
    }

    [Fact]
    public void Unknown_keys_are_found_by_comparing_the_configurations_keys_with_the_ones_read()
    {
        var warnings = Bind("""
            HTTP: { Max_Requests: 1 }
            killswitches: [ { usecase: a, colour: red } ]
            metrics: { tags: { region: eu } }
            auth: { keys: { k1: { key_files: [a.pem], expires: soon } } }
            runtimes: { worker_threads: 4, metrics_interval: 1s }
            """).Warnings;
        Assert.Equal(
            ["unknown configuration key 'auth.keys.k1.expires' ignored", "unknown configuration key 'killswitches[0].colour' ignored", "unknown configuration key 'runtimes' ignored"],
            warnings.Where(w => w.StartsWith("unknown", StringComparison.Ordinal)));
    }
}
