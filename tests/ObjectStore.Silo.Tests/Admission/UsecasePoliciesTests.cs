using ObjectStore.Gateway.Admission;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Admission;

public sealed class UsecasePoliciesTests
{
    private static readonly UsecasePolicies Policies = new(new Dictionary<string, UsecaseOptions>
    {
        ["attachments"] = new() { ManualAllowed = false, TtlMax = TimeSpan.FromDays(30), TtiAllowed = false },
        ["debug-files"] = new() { TtiMax = TimeSpan.FromHours(1) },
        ["replays"] = new() { Max = TimeSpan.FromDays(90), TtiMax = TimeSpan.FromDays(7) },
    });

    [Fact]
    public void Unlisted_usecases_are_unconstrained()
    {
        Policies.Check("other", ExpirationPolicy.Manual);
        Policies.Check("other", ExpirationPolicy.TimeToLive(TimeSpan.FromDays(10_000)));
    }

    [Fact]
    public void A_disallowed_manual_policy_has_the_reference_message()
    {
        var e = Assert.Throws<UsecasePolicyException>(() => Policies.Check("attachments", ExpirationPolicy.Manual));
        Assert.Equal("client error: expiration policy 'manual' is not allowed for use case 'attachments'", e.Detail);
    }

    [Fact]
    public void A_disallowed_duration_policy_names_it_in_wire_format()
    {
        var e = Assert.Throws<UsecasePolicyException>(() => Policies.Check("attachments", ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1))));
        Assert.Equal("client error: expiration policy 'tti:1h' is not allowed for use case 'attachments'", e.Detail);
    }

    [Fact]
    public void A_duration_equal_to_the_maximum_is_fine_and_one_above_is_rejected()
    {
        Policies.Check("debug-files", ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1)));
        Policies.Check("debug-files", ExpirationPolicy.Manual);
        var e = Assert.Throws<UsecasePolicyException>(() => Policies.Check("debug-files", ExpirationPolicy.TimeToIdle(TimeSpan.FromMinutes(90))));
        Assert.Equal("client error: expiration duration 1h 30m exceeds maximum of 1h for use case 'debug-files'", e.Detail);
    }

    [Fact]
    public void Ttl_limits_do_not_constrain_tti_and_vice_versa()
    {
        var e = Assert.Throws<UsecasePolicyException>(() => Policies.Check("attachments", ExpirationPolicy.TimeToLive(TimeSpan.FromDays(31))));
        Assert.Equal("client error: expiration duration 1month 13h 26m 24s exceeds maximum of 30days for use case 'attachments'", e.Detail);
        Policies.Check("debug-files", ExpirationPolicy.TimeToLive(TimeSpan.FromDays(365)));
    }

    [Fact]
    public void Expiration_max_caps_ttl_and_tti_alike_and_the_smaller_of_two_limits_counts()
    {
        Policies.Check("replays", ExpirationPolicy.TimeToLive(TimeSpan.FromDays(90)));
        var ttl = Assert.Throws<UsecasePolicyException>(() => Policies.Check("replays", ExpirationPolicy.TimeToLive(TimeSpan.FromDays(91))));
        Assert.Equal($"client error: expiration duration {HumanDuration.Format(TimeSpan.FromDays(91))} exceeds maximum of {HumanDuration.Format(TimeSpan.FromDays(90))} for use case 'replays'", ttl.Detail);
        Assert.Throws<UsecasePolicyException>(() => Policies.Check("replays", ExpirationPolicy.TimeToIdle(TimeSpan.FromDays(8))));
        Policies.Check("replays", ExpirationPolicy.Manual);
    }

    [Fact]
    public void The_maximum_lifetime_an_extension_may_reach_is_per_kind_and_none_for_manual_or_unlisted()
    {
        Assert.Equal(TimeSpan.FromDays(90), Policies.MaxLifetime("replays", ExpirationKind.TimeToLive));
        Assert.Equal(TimeSpan.FromDays(7), Policies.MaxLifetime("replays", ExpirationKind.TimeToIdle));
        Assert.Null(Policies.MaxLifetime("replays", ExpirationKind.Manual));
        Assert.Equal(TimeSpan.FromDays(30), Policies.MaxLifetime("attachments", ExpirationKind.TimeToLive));
        Assert.Null(Policies.MaxLifetime("attachments", ExpirationKind.TimeToIdle));
        Assert.Null(Policies.MaxLifetime("other", ExpirationKind.TimeToLive));
    }
}
