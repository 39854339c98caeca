using ObjectStore.Gateway.Admission;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Admission;

public sealed class KillswitchesTests
{
    private static readonly Scopes OrgProject = Scopes.Parse("org=1;project=2");

    private static Killswitches With(params Killswitch[] switches) => new(switches);

    [Fact]
    public void No_switches_kill_nothing() => Assert.False(With().IsKilled("u", OrgProject, null));

    [Fact]
    public void An_empty_switch_kills_everything() => Assert.True(With(new Killswitch()).IsKilled("u", Scopes.Empty, null));

    [Fact]
    public void Usecase_must_equal()
    {
        var switches = With(new Killswitch { Usecase = "attachments" });
        Assert.True(switches.IsKilled("attachments", OrgProject, null));
        Assert.False(switches.IsKilled("Attachments", OrgProject, null));
    }

    [Fact]
    public void Every_listed_scope_must_be_present_in_any_position_with_an_equal_value()
    {
        var switches = With(new Killswitch { Usecase = "u", Scopes = new Dictionary<string, string> { ["project"] = "2", ["org"] = "1" } });
        Assert.True(switches.IsKilled("u", OrgProject, null));
        Assert.True(switches.IsKilled("u", Scopes.Parse("project=2;x=y;org=1"), null));
        Assert.False(switches.IsKilled("u", Scopes.Parse("org=1"), null));
        Assert.False(switches.IsKilled("u", Scopes.Parse("org=1;project=3"), null));
    }

    [Fact]
    public void A_service_pattern_needs_the_header_and_matches_its_normalized_form()
    {
        var switches = With(new Killswitch { Service = "relay*" });
        Assert.False(switches.IsKilled("u", OrgProject, null));
        Assert.True(switches.IsKilled("u", OrgProject, "relay-pop"));
        Assert.False(switches.IsKilled("u", OrgProject, "sentry"));

        var exact = With(new Killswitch { Service = "sentry-web" });
        Assert.True(exact.IsKilled("u", OrgProject, "sentry-web-5d8f7c9b4-x2kqz"));
        Assert.True(exact.IsKilled("u", OrgProject, "sentry-web-12"));
        Assert.False(exact.IsKilled("u", OrgProject, "sentry-web-api"));
    }

    [Theory]
    [InlineData("getsentry-web-5d8f7c9b4-x2kqz", "getsentry-web")]
    [InlineData("getsentry-web-5d8f7c9b4a-x2kqz", "getsentry-web")]
    [InlineData("worker-0", "worker")]
    [InlineData("worker-123", "worker")]
    [InlineData("relay", "relay")]
    [InlineData("web-5D8F7C9B4-x2kqz", "web-5D8F7C9B4-x2kqz")]
    [InlineData("web-5d8f7c-x2kqz", "web-5d8f7c-x2kqz")]
    [InlineData("web-5d8f7c9b4-x2kq", "web-5d8f7c9b4-x2kq")]
    [InlineData("-12", "-12")]
    public void Pod_suffixes_are_stripped(string header, string normalized) =>
        Assert.Equal(normalized, DownstreamService.Normalize(header));

    [Theory]
    [InlineData("*", "anything/at all", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "a/b/c", true)]
    [InlineData("a*c", "abcd", false)]
    [InlineData("*-web", "sentry-web", true)]
    [InlineData("s?ntry", "sentry", false)]
    [InlineData("", "", true)]
    [InlineData("**x", "yyx", true)]
    public void Glob_star_matches_any_run(string pattern, string text, bool matches) =>
        Assert.Equal(matches, DownstreamService.GlobMatches(pattern, text));

    [Fact]
    public void Runtime_switches_apply_alongside_configured_ones_and_can_be_replaced()
    {
        var switches = With(new Killswitch { Usecase = "a" });
        Assert.False(switches.IsKilled("b", Scopes.Empty, null));
        switches.UpdateRuntime([new Killswitch { Usecase = "b" }]);
        Assert.True(switches.IsKilled("b", Scopes.Empty, null));
        Assert.True(switches.IsKilled("a", Scopes.Empty, null));
        switches.UpdateRuntime([]);
        Assert.False(switches.IsKilled("b", Scopes.Empty, null));
    }
}
