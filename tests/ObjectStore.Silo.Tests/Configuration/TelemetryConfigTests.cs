using Microsoft.Extensions.Logging;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>The <c>metrics</c> section and <c>logging.levels</c>: defaults, binding, errors naming the key, objectstore's StatsD keys.</summary>
public sealed class TelemetryConfigTests
{
    private static LoadedConfiguration Load(string yaml, Dictionary<string, string?>? environment = null) =>
        ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), environment ?? []);

    private static string Error(string yaml) => Assert.Single(Assert.Throws<ConfigurationException>(() => Load(yaml)).Errors);

    [Fact]
    public void Defaults_serve_prometheus_on_the_http_port_and_push_nothing()
    {
        var metrics = Load("").Options.Metrics;
        Assert.True(metrics.Prometheus);
        Assert.Null(metrics.PrometheusAddr);
        Assert.Null(metrics.OtlpEndpoint);
        Assert.Empty(Load("").Options.Logging.Levels);
    }

    [Fact]
    public void Metrics_keys_bind_from_yaml_and_environment()
    {
        var metrics = Load("metrics:\n  prometheus_addr: 127.0.0.1:9464\n", new() { ["OS__METRICS__OTLP_ENDPOINT"] = "http://127.0.0.1:4317" }).Options.Metrics;
        Assert.Equal(9464, metrics.PrometheusAddr!.Port);
        Assert.Equal(new Uri("http://127.0.0.1:4317"), metrics.OtlpEndpoint);
        Assert.False(Load("metrics:\n  prometheus: false\n").Options.Metrics.Prometheus);
    }

    [Theory]
    [InlineData("metrics:\n  prometheus: maybe\n", "metrics.prometheus")]
    [InlineData("metrics:\n  prometheus_addr: nowhere\n", "metrics.prometheus_addr")]
    [InlineData("metrics:\n  prometheus_addr: 127.0.0.1:0\n", "metrics.prometheus_addr")]
    [InlineData("metrics:\n  prometheus_addr: 127.0.0.1:8888\n", "metrics.prometheus_addr")]
    [InlineData("metrics:\n  prometheus: false\n  prometheus_addr: 127.0.0.1:9464\n", "metrics.prometheus_addr")]
    [InlineData("metrics:\n  otlp_endpoint: not a url\n", "metrics.otlp_endpoint")]
    [InlineData("metrics:\n  otlp_endpoint: ftp://collector:4317\n", "metrics.otlp_endpoint")]
    [InlineData("logging:\n  levels:\n    Orleans: loud\n", "logging.levels.Orleans")]
    public void Bad_values_are_errors_naming_the_key(string yaml, string key) => Assert.StartsWith(key + ":", Error(yaml));

    [Fact]
    public void Objectstores_statsd_keys_are_known_and_say_they_are_not_used()
    {
        var loaded = Load("metrics:\n  addr: 127.0.0.1:8125\n  prefix: objectstore\n  tags:\n    region: eu\n");
        Assert.DoesNotContain(loaded.Warnings, w => w.Contains("unknown", StringComparison.Ordinal));
        Assert.Contains(loaded.Warnings, w => w.StartsWith("metrics.addr:", StringComparison.Ordinal) && w.Contains("metrics.prometheus", StringComparison.Ordinal));
        Assert.Equal(["metrics.addr:", "metrics.prefix:", "metrics.tags:"],
            loaded.Warnings.Where(w => w.StartsWith("metrics.", StringComparison.Ordinal)).Select(w => w[..(w.IndexOf(':') + 1)]));
    }

    [Fact]
    public void An_unknown_metrics_key_is_still_reported()
    {
        var loaded = Load("metrics:\n  prometheus_port: 9464\n");
        Assert.Contains("unknown configuration key 'metrics.prometheus_port' ignored", loaded.Warnings);
    }

    [Fact]
    public void Logging_levels_bind_per_category()
    {
        var levels = Load("logging:\n  levels:\n    Orleans: info\n    ObjectStore.Gateway: debug\n").Options.Logging.Levels;
        Assert.Equal(LogLevel.Information, levels["Orleans"]);
        Assert.Equal(LogLevel.Debug, levels["ObjectStore.Gateway"]);
    }
}
