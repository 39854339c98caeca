using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

public sealed class ByteRangeTests
{
    [Fact]
    public void Worked_examples_of_api_doc_section_6_on_22_bytes()
    {
        Assert.Equal("bytes 0-4/22", ByteRange.Bounded(0, 4).Resolve(22).ToString());
        Assert.Equal("bytes 13-21/22", ByteRange.Suffix(9).Resolve(22).ToString());
        var from = ByteRange.From(7).Resolve(22)!.Value;
        Assert.Equal("bytes 7-21/22", from.ToString());
        Assert.Equal(15, from.Length);
        Assert.Null(ByteRange.Bounded(100, 200).Resolve(22));
    }

    [Fact]
    public void Bounded_end_is_clipped_and_start_past_the_end_is_unsatisfiable()
    {
        Assert.Equal(new ContentRange(20, 21, 22), ByteRange.Bounded(20, 99).Resolve(22));
        Assert.Null(ByteRange.Bounded(22, 30).Resolve(22));
        Assert.Null(ByteRange.From(22).Resolve(22));
        Assert.Equal(new ContentRange(21, 21, 22), ByteRange.From(21).Resolve(22));
    }

    [Fact]
    public void Suffix_longer_than_the_object_is_the_whole_object()
    {
        Assert.Equal(new ContentRange(0, 21, 22), ByteRange.Suffix(100).Resolve(22));
    }

    [Fact]
    public void Every_range_of_an_empty_object_is_unsatisfiable()
    {
        Assert.Null(ByteRange.Bounded(0, 0).Resolve(0));
        Assert.Null(ByteRange.From(0).Resolve(0));
        Assert.Null(ByteRange.Suffix(1).Resolve(0));
    }

    [Fact]
    public void Invalid_ranges_cannot_be_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.Bounded(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.Bounded(-1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.From(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.Suffix(0));
    }

    [Fact]
    public void Header_forms_print_as_sent()
    {
        Assert.Equal("bytes=0-4", ByteRange.Bounded(0, 4).ToString());
        Assert.Equal("bytes=7-", ByteRange.From(7).ToString());
        Assert.Equal("bytes=-9", ByteRange.Suffix(9).ToString());
    }
}
