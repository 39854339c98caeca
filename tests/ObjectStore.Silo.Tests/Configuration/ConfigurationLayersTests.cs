using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>
/// The layering on Microsoft.Extensions.Configuration: the YAML provider's keys under the <c>OS__</c> environment
/// provider's, with figment's merge (tables merge key by key, anything else replaces) and case-insensitive names.
/// </summary>
public sealed class ConfigurationLayersTests
{
    private static Microsoft.Extensions.Configuration.IConfigurationRoot Layer(string yaml, params (string Name, string Value)[] env) =>
        ConfigLoader.Layer(YamlConfigurationFile.Parse(yaml, "test.yaml"), env.Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)), out _);

    private static LoadedConfiguration Load(string yaml, params (string Name, string Value)[] env) =>
        ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), env.Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)));

    [Fact]
    public void Yaml_and_figment_values_become_configuration_keys_and_the_environment_wins()
    {
        var configuration = Layer("http: { max_requests: 5 }\nkillswitches: [ { usecase: a } ]\nlogging: { level: debug }",
            ("OS__HTTP__MAX_REQUESTS", "7"), ("OS__AUTH__KEYS", "{k1={key_files=[\"/a.pem\", /b.pem]}}"));
        Assert.Equal("7", configuration["http:max_requests"]);
        Assert.Equal("a", configuration["killswitches:0:usecase"]);
        Assert.Equal("debug", configuration["logging:level"]);
        Assert.Equal("/b.pem", configuration["auth:keys:k1:key_files:1"]);
    }

    [Fact]
    public void Environment_names_are_case_insensitive_and_meet_the_files_keys()
    {
        var o = Load("HTTP: { Max_Requests: 5 }\nlogging: { level: debug }", ("os__Http__MAX_requests", "9"), ("Os__LOGGING__Format", "json")).Options;
        Assert.Equal(9, o.Http.MaxRequests);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, o.Logging.Level);
        Assert.Equal(LogFormat.Json, o.Logging.Format);
    }

    [Fact]
    public void A_list_from_the_environment_replaces_the_files_list_instead_of_merging_by_index()
    {
        var o = Load("killswitches: [ { usecase: a }, { usecase: b }, { usecase: c } ]", ("OS__KILLSWITCHES", "[{service=relay}]")).Options;
        var only = Assert.Single(o.Killswitches);
        Assert.Equal(("relay", null), (only.Service, only.Usecase));
    }

    [Fact]
    public void A_table_from_the_environment_replaces_a_plain_value_in_the_file()
    {
        var o = Load("auth: nope", ("OS__AUTH__ENFORCE", "false")).Options;
        Assert.False(o.Auth.Enforce);
    }

    [Fact]
    public void A_plain_value_from_the_environment_replaces_a_table_in_the_file()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load("storage: { orphan_sweep: { interval: 6h } }", ("OS__STORAGE__ORPHAN_SWEEP", "off")));
        Assert.Equal("storage.orphan_sweep: expected a table, got 'off'", Assert.Single(e.Errors));
    }

    [Fact]
    public void A_later_variable_replaces_a_list_an_earlier_one_set()
    {
        var o = Load("", ("OS__RATE_LIMITS__THROUGHPUT", "{global_rps=10, rules=[{usecase=a, rps=1}, {usecase=b, rps=2}]}"),
            ("OS__RATE_LIMITS__THROUGHPUT__RULES", "[{usecase=c, rps=3}]")).Options;
        Assert.Equal(10, o.RateLimits.Throughput.GlobalRps);
        Assert.Equal("c", Assert.Single(o.RateLimits.Throughput.Rules).Usecase);
    }

    [Fact]
    public void A_quoted_empty_string_is_a_value_and_a_yaml_null_is_absent()
    {
        var configuration = Layer("a: ''\nb: ~\nc:\n");
        Assert.Equal("", configuration["a"]);
        Assert.Null(configuration["b"]);
        Assert.Null(configuration["c"]);
    }
}
