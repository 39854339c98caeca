using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Hosting;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary><c>storage.group_commit</c>: defaults, values from YAML and the environment, and rejected values naming the key.</summary>
public sealed class GroupCommitConfigTests
{
    private static LoadedConfiguration Load(string yaml = "", params (string Name, string Value)[] env) =>
        ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), env.Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)));

    private static string Group(string body) => "storage:\n  group_commit:\n" + string.Join('\n', body.Split('\n').Select(l => "    " + l));

    [Fact]
    public void Grouping_is_on_with_2_groups_in_flight_of_at_most_64_statements_by_default() =>
        Assert.Equal(new GroupCommitOptions { Enabled = true, InFlight = 2, MaxStatements = 64 }, Load().Options.Storage.GroupCommit);

    [Fact]
    public void Values_come_from_yaml_or_the_environment()
    {
        Assert.Equal(new GroupCommitOptions { Enabled = false, InFlight = 8, MaxStatements = 10 },
            Load(Group("enabled: false\nin_flight: 8\nmax_statements: 10")).Options.Storage.GroupCommit);
        Assert.Equal(4, Load("", ("OS__STORAGE__GROUP_COMMIT__IN_FLIGHT", "4")).Options.Storage.GroupCommit.InFlight);
    }

    [Theory]
    [InlineData("in_flight: 0", "storage.group_commit.in_flight")]
    [InlineData("in_flight: 65", "storage.group_commit.in_flight")]
    [InlineData("in_flight: many", "storage.group_commit.in_flight")]
    [InlineData("max_statements: 0", "storage.group_commit.max_statements")]
    [InlineData("max_statements: 1001", "storage.group_commit.max_statements")]
    [InlineData("enabled: maybe", "storage.group_commit.enabled")]
    public void Bad_values_are_rejected_naming_the_key(string line, string key) =>
        Assert.StartsWith(key + ":", Assert.Single(Assert.Throws<ConfigurationException>(() => Load(Group(line))).Errors));
}
