using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

public sealed class HumanDurationTests
{
    private static readonly long Year = 31_557_600, Month = 2_630_016, Day = 86_400;

    public static TheoryData<long, string> FormatExamples => new()
    {
        // api doc §5.2
        { 30, "30s" },
        { 3600, "1h" },
        { Day, "1day" },
        { 2 * Day, "2days" },
        { 90 * 60, "1h 30m" },
        { 30 * Day, "30days" },
        { 365 * Day, "11months 30days 3h 50m 24s" },
        // humantime's units, plurals and order
        { 0, "0s" },
        { Year, "1year" },
        { 2 * Year + Month + 1, "2years 1month 1s" },
        { 3 * Month, "3months" },
        { Day + 3661, "1day 1h 1m 1s" },
    };

    [Theory]
    [MemberData(nameof(FormatExamples))]
    public void Formats_whole_seconds_as_humantime(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Formats_sub_second_parts_as_ms_us_ns()
    {
        Assert.Equal("1s 500ms", HumanDuration.Format(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("1ms 2us 300ns", HumanDuration.Format(TimeSpan.FromTicks(10_023)));
        Assert.Equal("100ns", HumanDuration.Format(TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Rejects_negative_durations_when_formatting() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HumanDuration.Format(TimeSpan.FromSeconds(-1)));

    public static TheoryData<string, long> ParseExamples => new()
    {
        { "30s", 30 },
        { "0s", 0 },
        { "1h", 3600 },
        { "1day", Day },
        { "2days", 2 * Day },
        { "1 days 30 seconds", Day + 30 },
        { "  1h   30m  ", 5400 },
        { "1h30m", 5400 },
        { "1 2s", 12 },
        { "90 min", 5400 },
        { "11months 30days 3h 50m 24s", 365 * Day },
        { "1M", Month },
        { "1y", Year },
        { "2yrs", 2 * Year },
        { "1yr", Year },
        { "1 year", Year },
        { "3 years", 3 * Year },
        { "1w", 7 * Day },
        { "2wk", 14 * Day },
        { "2wks", 14 * Day },
        { "1 week", 7 * Day },
        { "1d", Day },
        { "2hr", 7200 },
        { "2hrs", 7200 },
        { "1 hour", 3600 },
        { "5mins", 300 },
        { "1 minute", 60 },
        { "1sec", 1 },
        { "10secs", 10 },
        { "1second", 1 },
    };

    [Theory]
    [MemberData(nameof(ParseExamples))]
    public void Parses_the_humantime_grammar(string text, long seconds)
    {
        Assert.True(HumanDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("1500ms", 15_000_000)]
    [InlineData("1500 msec", 15_000_000)]
    [InlineData("2millis", 20_000)]
    [InlineData("7us", 70)]
    [InlineData("7usec", 70)]
    [InlineData("7µs", 70)]
    [InlineData("500ns", 5)]
    [InlineData("500 nsec", 5)]
    [InlineData("500nanos", 5)]
    [InlineData("4.2s", 42_000_000)]
    [InlineData("1.5h", 54_000_000_000)]
    [InlineData("0.25 days", 216_000_000_000)]
    public void Parses_sub_second_units_and_fractions_to_ticks(string text, long ticks)
    {
        Assert.True(HumanDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromTicks(ticks), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("30 fortnights")]
    [InlineData("30S")]
    [InlineData("1H")]
    [InlineData("1h 30")]
    [InlineData("1h,30m")]
    [InlineData("-5s")]
    [InlineData("+5s")]
    [InlineData(".5s")]
    [InlineData("5.s")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999999999s")]
    [InlineData("18446744073709551615s")]
    [InlineData("300000years")]
    public void Rejects_empty_unknown_units_missing_numbers_and_overflow(string text) =>
        Assert.False(HumanDuration.TryParse(text, out _));

    [Theory]
    [InlineData("1 days", "1day")]
    [InlineData("1 days 30 seconds", "1day 30s")]
    [InlineData("90 minutes", "1h 30m")]
    [InlineData("365d", "11months 30days 3h 50m 24s")]
    [InlineData("1 year", "1year")]
    public void Parsing_then_formatting_gives_humantime_canonical_form(string text, string canonical)
    {
        Assert.True(HumanDuration.TryParse(text, out var duration));
        Assert.Equal(canonical, HumanDuration.Format(duration));
        Assert.True(HumanDuration.TryParse(canonical, out var again));
        Assert.Equal(duration, again);
    }
}
