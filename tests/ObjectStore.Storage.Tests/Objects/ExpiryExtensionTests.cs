using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

public sealed class ExpiryExtensionTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static ObjectMetadata Stored(ExpirationPolicy policy, DateTimeOffset? created = null) => new ObjectMetadata { Expiration = policy }.StampedAt(created ?? Now);

    [Theory]
    [InlineData(30 * 86400 + 2, 30 * 86400)]
    [InlineData(86400 + 3600, 90000)]
    [InlineData(3 * 3600 + 59, 3 * 3600)]
    [InlineData(90 * 60 + 10, 90 * 60)]
    [InlineData(61, 61)]
    [InlineData(0, 1)]
    public void A_derived_ttl_is_the_coarsest_whole_unit_within_one_percent(long lifetimeSeconds, long ttlSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(ttlSeconds), ExpiryExtension.DeriveTtl(TimeSpan.FromSeconds(lifetimeSeconds)));
    }

    [Fact]
    public void A_creation_relative_target_without_a_creation_time_is_a_conflict()
    {
        var metadata = Stored(ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1))) with { TimeCreated = null };
        Assert.Equal(ExpiryOutcome.Conflict, ExpiryExtension.FromCreation(TimeSpan.FromDays(1)).Decide(metadata, Now).Outcome);
        // An absolute target needs none; the TTL then stays as it was.
        var decision = ExpiryExtension.ToDeadline(Now + TimeSpan.FromDays(1)).Decide(metadata, Now);
        Assert.Equal((ExpiryOutcome.Extended, ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1))), (decision.Outcome, decision.Policy));
    }

    [Fact]
    public void A_far_creation_relative_target_saturates_instead_of_overflowing()
    {
        var decision = ExpiryExtension.FromCreation(TimeSpan.MaxValue).Decide(Stored(ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1))), Now);
        Assert.Equal(ExpiryOutcome.Extended, decision.Outcome);
        Assert.Equal(ObjectTimestamp.ToMicros(DateTimeOffset.MaxValue), decision.Deadline);
        Assert.Equal(ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1)), decision.Policy);
    }

    [Fact]
    public void Absolute_targets_are_kept_to_the_stored_microsecond()
    {
        var decision = ExpiryExtension.ToDeadline(Now + TimeSpan.FromDays(1) + TimeSpan.FromTicks(7)).Decide(Stored(ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1))), Now);
        Assert.Equal(Now + TimeSpan.FromDays(1), decision.Deadline);
        Assert.Equal(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)), decision.Policy);
    }
}

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000000Z")]
    [InlineData("2030-01-01t02:00:00.123456+02:00", "2030-01-01T00:00:00.123456Z")]
    [InlineData("2029-12-31T19:30:00.5-04:30", "2030-01-01T00:00:00.500000Z")]
    [InlineData("2030-01-01T00:00:00.123456789z", "2030-01-01T00:00:00.123456Z")]
    public void Offsets_and_fractions_resolve_to_utc(string text, string utc)
    {
        Assert.True(ObjectTimestamp.TryParseRfc3339(text, out var parsed));
        Assert.Equal(utc, ObjectTimestamp.Format(parsed));
    }

    [Theory]
    [InlineData("2030-01-01T00:00:00")]
    [InlineData("2030-01-01 00:00:00Z")]
    [InlineData("2030-13-01T00:00:00Z")]
    [InlineData("2030-01-01T00:00:00+2:00")]
    [InlineData("2030-01-01T00:00:00.Z")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(ObjectTimestamp.TryParseRfc3339(text, out _));
    }
}
