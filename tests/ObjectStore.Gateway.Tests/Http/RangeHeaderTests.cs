using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class RangeHeaderTests
{
    private static ByteRange? Parse(string? value)
    {
        Assert.True(RangeHeader.TryParse(value, out var range, out var error), error?.Detail);
        return range;
    }

    private static string Reject(string value)
    {
        Assert.False(RangeHeader.TryParse(value, out _, out var error));
        Assert.Equal(400, error!.Status);
        return error.Detail;
    }

    [Theory]
    [InlineData("bytes=0-4", "bytes 0-4/22")]
    [InlineData("bytes=-9", "bytes 13-21/22")]
    [InlineData("bytes=7-", "bytes 7-21/22")]
    [InlineData("BYTES=0-4", "bytes 0-4/22")]
    [InlineData("bytes=5-1000", "bytes 5-21/22")]
    [InlineData("bytes=-100", "bytes 0-21/22")]
    [InlineData("bytes=21-21", "bytes 21-21/22")]
    public void The_worked_examples_resolve_against_22_bytes(string header, string contentRange)
    {
        Assert.Equal(contentRange, Parse(header)!.Value.Resolve(22)!.Value.ToString());
    }

    [Theory]
    [InlineData("bytes=100-200", 22)]
    [InlineData("bytes=22-", 22)]
    [InlineData("bytes=0-0", 0)]
    [InlineData("bytes=-5", 0)]
    public void Unsatisfiable_ranges_resolve_to_nothing(string header, long total)
    {
        Assert.Null(Parse(header)!.Value.Resolve(total));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=0-1, x")]
    public void Absent_or_multiple_ranges_mean_the_whole_object(string? header)
    {
        Assert.Null(Parse(header));
    }

    [Fact]
    public void Other_units_are_named_in_the_error()
    {
        Assert.Equal("client error: invalid Range header: invalid range unit: items, expected: bytes", Reject("items=0-1"));
    }

    [Theory]
    [InlineData("bytes=-0")]
    [InlineData("bytes=5-4")]
    [InlineData("bytes=")]
    [InlineData("bytes=-")]
    [InlineData("bytes= 0-4")]
    [InlineData("bytes=0 -4")]
    [InlineData("bytes=a-4")]
    [InlineData("bytes=0-4x")]
    [InlineData("bytes=0x10-")]
    [InlineData("bytes=99999999999999999999-")]
    [InlineData("bytes 0-4")]
    [InlineData("bytes=\u0660-4")]
    [InlineData("bytes=0-\u00e9")]
    public void Malformed_ranges_are_400(string header)
    {
        Assert.StartsWith("client error: invalid Range header: ", Reject(header));
    }

    [Fact]
    public void Huge_offsets_that_fit_u64_are_accepted_and_unsatisfiable()
    {
        Assert.Null(Parse("bytes=18446744073709551615-")!.Value.Resolve(22));
    }

    [Fact]
    public void Partial_and_unsatisfiable_answers_carry_the_contract_headers()
    {
        var partial = new DefaultHttpContext().Response;
        RangeHeader.WritePartial(partial, new ContentRange(7, 21, 22));
        var unsatisfiable = new DefaultHttpContext().Response;
        RangeHeader.WriteUnsatisfiable(unsatisfiable, 22);

        Assert.Equal(206, partial.StatusCode);
        Assert.Equal("bytes 7-21/22", partial.Headers["content-range"]);
        Assert.Equal(15, partial.ContentLength);
        Assert.Equal("bytes", partial.Headers["accept-ranges"]);
        Assert.Equal(416, unsatisfiable.StatusCode);
        Assert.Equal("bytes */22", unsatisfiable.Headers["content-range"]);
        Assert.Equal("bytes", unsatisfiable.Headers["accept-ranges"]);
    }
}
