using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Hosting;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary><c>storage.orphan_sweep.interval</c> and <c>.grace</c>: defaults, durations, off, and rejected values naming the key.</summary>
public sealed class OrphanSweepConfigTests
{
    private static LoadedConfiguration Load(string yaml = "", params (string Name, string Value)[] env) =>
        ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), env.Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)));

    private static string Error(string yaml) =>
        Assert.Single(Assert.Throws<ConfigurationException>(() => Load(yaml)).Errors);

    private static string Sweep(string body) => "storage:\n  orphan_sweep:\n" + string.Join('\n', body.Split('\n').Select(l => "    " + l));

    [Fact]
    public void The_sweep_runs_every_6_hours_with_a_1_hour_grace_by_default()
    {
        var sweep = Load().Options.Storage.OrphanSweep;
        Assert.Equal(TimeSpan.FromHours(6), sweep.Interval);
        Assert.Equal(TimeSpan.FromHours(1), sweep.Grace);
    }

    [Fact]
    public void Interval_and_grace_are_durations_from_yaml_or_the_environment()
    {
        var loaded = Load(Sweep("interval: 30m\ngrace: 2h"));
        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)), (loaded.Options.Storage.OrphanSweep.Interval, loaded.Options.Storage.OrphanSweep.Grace));
        Assert.Empty(loaded.Warnings);
        var env = Load("", ("OS__STORAGE__ORPHAN_SWEEP__INTERVAL", "1d"), ("OS__STORAGE__ORPHAN_SWEEP__GRACE", "90m")).Options.Storage.OrphanSweep;
        Assert.Equal((TimeSpan.FromDays(1), TimeSpan.FromMinutes(90)), (env.Interval, env.Grace));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("off")]
    [InlineData("OFF")]
    [InlineData("0s")]
    public void An_interval_of_zero_or_off_disables_the_sweep(string value) =>
        Assert.Null(Load(Sweep("interval: " + value)).Options.Storage.OrphanSweep.Interval);

    [Theory]
    [InlineData("interval: soon", "storage.orphan_sweep.interval")]
    [InlineData("interval: 10s", "storage.orphan_sweep.interval")]
    [InlineData("grace: 30s", "storage.orphan_sweep.grace")]
    [InlineData("grace: 0", "storage.orphan_sweep.grace")]
    [InlineData("grace: later", "storage.orphan_sweep.grace")]
    public void Bad_values_are_rejected_naming_the_key(string line, string key) =>
        Assert.StartsWith(key + ":", Error(Sweep(line)));

    [Fact]
    public void The_minimum_grace_is_accepted() =>
        Assert.Equal(TimeSpan.FromMinutes(1), Load(Sweep("grace: 1m")).Options.Storage.OrphanSweep.Grace);

    [Fact]
    public void Unknown_sweep_keys_are_warned_about()
    {
        var loaded = Load(Sweep("intervall: 1h"));
        Assert.Contains("unknown configuration key 'storage.orphan_sweep.intervall' ignored", loaded.Warnings);
    }

    [Fact]
    public void The_sweep_grain_gets_the_interval_as_its_reminder_period_and_is_disabled_without_one()
    {
        var on = ClusterHosting.SweepGrainOptions(Load(Sweep("interval: 2h\ngrace: 10m")).Options.Storage.OrphanSweep);
        Assert.Equal((true, TimeSpan.FromHours(2), TimeSpan.FromMinutes(10)), (on.Enabled, on.ReminderPeriod, on.Grace));
        on.Validate();

        var off = ClusterHosting.SweepGrainOptions(Load(Sweep("interval: off")).Options.Storage.OrphanSweep);
        Assert.False(off.Enabled);
        off.Validate();
    }
}
