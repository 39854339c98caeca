using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>The <c>cluster</c> section on Orleans: ids, endpoints and their security stance, membership tuning, the dashboard, the retired key.</summary>
public sealed class ClusterConfigTests
{
    private static LoadedConfiguration Load(string yaml) => ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), []);

    private static string Error(string yaml) => Assert.Single(Assert.Throws<ConfigurationException>(() => Load(yaml)).Errors);

    [Fact]
    public void Defaults_are_one_loopback_silo_with_membership_tuned_for_seconds()
    {
        var cluster = Load("").Options.Cluster;
        Assert.Equal("objectstore", cluster.Id);
        Assert.Null(cluster.SiloAddr);
        Assert.Null(cluster.GatewayAddr);
        Assert.False(cluster.AllowInsecure);
        Assert.False(cluster.Dashboard);
        Assert.Equal(TimeSpan.FromSeconds(1), cluster.MembershipTuning.ProbeTimeout);
        Assert.Equal(2, cluster.MembershipTuning.MissedProbesLimit);
        Assert.Equal(2, cluster.MembershipTuning.VotesForDeath);
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.MembershipTuning.TableRefresh);
        Assert.Equal(20_000, cluster.MaxObjectActivations);
    }

    [Fact]
    public void Membership_tuning_and_ids_bind()
    {
        var cluster = Load("cluster:\n  id: blue\n  max_object_activations: 500\n  gateway_addr: 127.0.0.1:30001\n  membership:\n    probe_timeout: 500ms\n    missed_probes_limit: 3\n    votes_for_death: 1\n    table_refresh: 1s\n    death_vote_expiration: 20s\n    i_am_alive_period: 3s\n").Options.Cluster;
        Assert.Equal("blue", cluster.Id);
        Assert.Equal(500, cluster.MaxObjectActivations);
        Assert.Equal("127.0.0.1:30001", cluster.GatewayAddr);
        Assert.Equal(TimeSpan.FromMilliseconds(500), cluster.MembershipTuning.ProbeTimeout);
        Assert.Equal(3, cluster.MembershipTuning.MissedProbesLimit);
        Assert.Equal(1, cluster.MembershipTuning.VotesForDeath);
        Assert.Equal(TimeSpan.FromSeconds(1), cluster.MembershipTuning.TableRefresh);
        Assert.Equal(TimeSpan.FromSeconds(20), cluster.MembershipTuning.DeathVoteExpiration);
        Assert.Equal(TimeSpan.FromSeconds(3), cluster.MembershipTuning.IAmAlivePeriod);
    }

    [Theory]
    [InlineData("cluster:\n  membership:\n    missed_probes_limit: 0\n", "cluster.membership.missed_probes_limit")]
    [InlineData("cluster:\n  membership:\n    probe_timeout: 0s\n", "cluster.membership.probe_timeout")]
    [InlineData("cluster:\n  max_object_activations: 0\n", "cluster.max_object_activations")]
    [InlineData("cluster:\n  gateway_addr: nowhere\n", "cluster.gateway_addr")]
    [InlineData("cluster:\n  id: \"\"\n", "cluster.id")]
    [InlineData("cluster:\n  tls:\n    password: x\n", "cluster.tls.certificate")]
    public void Bad_values_are_errors_naming_the_key(string yaml, string key) => Assert.StartsWith(key + ":", Error(yaml));

    [Theory]
    [InlineData("silo_addr", "10.1.2.3:11111")]
    [InlineData("gateway_addr", "silo1:30000")]
    public void A_non_loopback_cluster_port_without_tls_refuses_to_start_unless_allowed(string key, string address)
    {
        var error = Error($"cluster:\n  {key}: \"{address}\"\n");
        Assert.StartsWith($"cluster.{key}:", error);
        Assert.Contains("cluster.tls", error);
        Assert.Contains("allow_insecure", error);

        Assert.Equal(address, key == "silo_addr"
            ? Load($"cluster:\n  allow_insecure: true\n  {key}: \"{address}\"\n").Options.Cluster.SiloAddr
            : Load($"cluster:\n  allow_insecure: true\n  {key}: \"{address}\"\n").Options.Cluster.GatewayAddr);
    }

    [Fact]
    public void Loopback_cluster_ports_need_no_tls()
    {
        var cluster = Load("cluster:\n  silo_addr: 127.0.0.1:11111\n  gateway_addr: localhost:30000\n").Options.Cluster;
        Assert.Equal("127.0.0.1:11111", cluster.SiloAddr);
    }

    [Fact]
    public void The_dashboard_stays_on_loopback_unless_allowed_and_never_on_a_gateway_only_process()
    {
        Assert.StartsWith("cluster.dashboard_addr:", Error("cluster:\n  dashboard: true\n  dashboard_addr: 0.0.0.0:8081\n"));
        Assert.True(Load("cluster:\n  dashboard: true\n  dashboard_addr: 0.0.0.0:8081\n  allow_insecure: true\n").Options.Cluster.Dashboard);
        Assert.StartsWith("cluster.dashboard:", Error("cluster:\n  dashboard: true\n  gateway_only: true\n  membership:\n    type: postgres\n    connection_string: Host=db\n"));
    }

    [Fact]
    public void The_retired_cluster_key_still_starts_with_a_warning()
    {
        var loaded = Load("cluster:\n  key: old-secret\n");
        Assert.Equal("old-secret", loaded.Options.Cluster.Key);
        Assert.Contains(loaded.Warnings, w => w.StartsWith("cluster.key: no longer used", StringComparison.Ordinal));
    }
}
