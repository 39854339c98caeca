using System.Text;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

public sealed class MetadataAndTimestampTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Metadata_codec_round_trips_every_field()
    {
        var metadata = new ObjectMetadata
        {
            ContentType = "image/png; charset=\"x\"",
            Compression = "zstd",
            Expiration = ExpirationPolicy.TimeToIdle(TimeSpan.FromMinutes(90)),
            Origin = "203.0.113.7",
            Filename = "weird \"name\"\\😀.png",
            Size = 1_234_567,
            Custom = new Dictionary<string, string> { ["a"] = "1", ["unicode"] = "café 😀", ["empty"] = "" },
        }.StampedAt(Now.AddTicks(12_345));

        var read = MetadataCodec.Deserialize(MetadataCodec.Serialize(metadata));

        TestObjects.AssertSameMetadata(metadata, read);
        Assert.Equal(metadata.Size, read.Size);
    }

    [Fact]
    public void Metadata_codec_round_trips_the_defaults()
    {
        var read = MetadataCodec.Deserialize(MetadataCodec.Serialize(new ObjectMetadata()));
        Assert.Equal(ObjectMetadata.DefaultContentType, read.ContentType);
        Assert.Equal(ExpirationPolicy.Manual, read.Expiration);
        Assert.Null(read.TimeCreated);
        Assert.Null(read.Size);
        Assert.Empty(read.Custom);
    }

    [Fact]
    public void Metadata_codec_skips_unknown_fields_and_rejects_corrupt_input()
    {
        var read = MetadataCodec.Deserialize("""{"future":{"x":[1,2]},"ct":"text/plain","s":5}"""u8);
        Assert.Equal("text/plain", read.ContentType);
        Assert.Equal(5, read.Size);
        Assert.Throws<FormatException>(() => MetadataCodec.Deserialize("not json"u8));
        Assert.Throws<FormatException>(() => MetadataCodec.Deserialize(Encoding.UTF8.GetBytes("""{"ek":9}""")));
    }

    [Fact]
    public void Stamping_sets_created_and_expires_from_one_microsecond_time()
    {
        var stamped = new ObjectMetadata { Expiration = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1)) }.StampedAt(Now.AddTicks(7));
        Assert.Equal(Now, stamped.TimeCreated);
        Assert.Equal(Now.AddHours(1), stamped.TimeExpires);
        Assert.False(stamped.IsExpired(Now.AddHours(1)));
        Assert.True(stamped.IsExpired(Now.AddHours(1).AddTicks(1)));
    }

    [Fact]
    public void Timestamps_format_with_six_fraction_digits_and_z()
    {
        Assert.Equal("2023-11-14T22:13:20.000000Z", ObjectTimestamp.Format(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
        Assert.Equal("2023-11-14T22:13:20.123456Z",
            ObjectTimestamp.Format(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(1_234_567).ToOffset(TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("2023-11-14T22:13:20.000000Z", 0)]
    [InlineData("2023-11-14T22:13:20Z", 0)]
    [InlineData("2023-11-14T22:13:20.5Z", 5_000_000)]
    [InlineData("2023-11-14T22:13:20.123456Z", 1_234_560)]
    [InlineData("2023-11-14T22:13:20.123456789Z", 1_234_567)]
    public void Strict_parse_accepts_utc_rfc3339(string text, long extraTicks)
    {
        Assert.True(ObjectTimestamp.TryParse(text, out var t));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(extraTicks), t);
        Assert.Equal(TimeSpan.Zero, t.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2023-11-14 22:13:20Z")]
    [InlineData("2023-11-14T22:13:20")]
    [InlineData("2023-11-14T22:13:20+00:00")]
    [InlineData("2023-11-14T22:13:20.Z")]
    [InlineData("2023-11-14T22:13:20.1234567890Z")]
    [InlineData("2023-11-14t22:13:20Z")]
    [InlineData("2023-11-14T22:13:20z")]
    [InlineData("2023-02-30T00:00:00Z")]
    [InlineData("2023-13-01T00:00:00Z")]
    [InlineData("2023-11-14T24:00:00Z")]
    [InlineData("2023-11-14T22:60:00Z")]
    [InlineData("2023-11-14T22:13:61Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("+023-11-14T22:13:20Z")]
    [InlineData("2023-11-14T22:13:20.12a456Z")]
    [InlineData(" 2023-11-14T22:13:20Z")]
    public void Strict_parse_rejects_everything_else(string text) => Assert.False(ObjectTimestamp.TryParse(text, out _));

    [Fact]
    public void Formatted_timestamps_parse_back_exactly()
    {
        var t = ObjectTimestamp.ToMicros(new DateTimeOffset(2031, 7, 4, 1, 2, 3, TimeSpan.Zero).AddTicks(9_876_543));
        Assert.True(ObjectTimestamp.TryParse(ObjectTimestamp.Format(t), out var back));
        Assert.Equal(t, back);
        Assert.Equal(t, ObjectTimestamp.FromUnixMicros(ObjectTimestamp.ToUnixMicros(t)));
    }
}
