using ObjectStore.Bench.Suite;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class LoadScenariosTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_result_has_a_baseline_with_the_same_seed_sizes_and_concurrency(bool quick)
    {
        var options = SuiteOptions.Parse(quick ? ["--quick"] : []);
        foreach (var group in SuiteOptions.AllGroups.Where(g => !SuiteOptions.SpecialGroups.Contains(g)))
        {
            var plan = LoadScenarios.Plan(group, options);
            foreach (var result in plan.Runs.Where(r => !r.Baseline))
            {
                var baselines = plan.Runs.Where(b => b.Baseline && b.Scenario == result.Scenario && b.Spec.Concurrency == result.Spec.Concurrency).ToArray();
                Assert.True(baselines.Length > 0, $"{group}: {result.Scenario} on {result.System} has no baseline");
                foreach (var b in baselines)
                {
                    Assert.Equal(result.Spec.Seed, b.Spec.Seed);
                    Assert.Equal(result.Spec.Sizes, b.Spec.Sizes);
                    Assert.Equal(result.Spec.Duration, b.Spec.Duration);
                }
            }
        }
    }

    [Fact]
    public void Quick_runs_are_short()
    {
        Assert.Equal(TimeSpan.FromSeconds(1.5), SuiteOptions.Parse(["--quick"]).Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), SuiteOptions.Parse([]).Duration);
    }

    [Theory]
    [InlineData("--only", "small,bogus")]
    [InlineData("--seconds", "-1")]
    [InlineData("--frobnicate", "1")]
    public void A_bad_option_is_refused_by_name(string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => SuiteOptions.Parse([option, value]));
        Assert.True(e.Message.Contains(option, StringComparison.Ordinal) || e.Message.Contains(value.Split(',')[^1], StringComparison.Ordinal), e.Message);
    }
}
