using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

/// <summary>The 0.2.6+ duration wire format (objectstore-types <c>src/duration.rs</c>, whose examples these are).</summary>
public sealed class WireDurationTests
{
    private const long Day = 86_400;

    public static TheoryData<long, string> FormatExamples => new()
    {
        { 0, "0s" },
        { 30, "30s" },
        { 60, "1m" },
        { 3600, "1h" },
        { Day, "1d" },
        { 2 * Day + 3 * 3600 + 4, "2d 3h 4s" },
        { 7 * Day, "7d" },
        { 400 * Day, "400d" },
        { 400 * Day + 90, "400d 1m 30s" },
        { 400 * Day + 3600, "400d 1h" },
    };

    [Theory]
    [MemberData(nameof(FormatExamples))]
    public void Formats_days_hours_minutes_seconds_with_days_the_largest_unit(long seconds, string expected) =>
        Assert.Equal(expected, WireDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Truncates_the_sub_second_remainder()
    {
        Assert.Equal("1s", WireDuration.Format(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("0s", WireDuration.Format(TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(59L)]
    [InlineData(3661L)]
    [InlineData(86_400L)]
    [InlineData(396 * 86_400L + 62_208)]
    public void Round_trips_through_parse(long seconds)
    {
        var formatted = WireDuration.Format(TimeSpan.FromSeconds(seconds));
        Assert.True(WireDuration.TryParse(formatted, out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }

    [Theory]
    [InlineData("2weeks", 1_209_600L)]
    [InlineData("1year", 31_557_600L)]
    [InlineData("1 days 30 seconds", 86_430L)]
    [InlineData("11months 30days 3h 50m 24s", 365 * 86_400L)]
    public void Parses_the_older_humantime_forms_too(string text, long seconds)
    {
        Assert.True(WireDuration.TryParse(text, out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }
}
