using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Tests.Load;

public sealed class PayloadTests
{
    private static byte[] Whole(ulong seed, int size)
    {
        var bytes = new byte[size];
        Payload.Fill(seed, 0, bytes);
        return bytes;
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_different_ones()
    {
        Assert.Equal(Whole(5, 10_000), Whole(5, 10_000));
        Assert.NotEqual(Whole(5, 10_000), Whole(6, 10_000));
        Assert.True(Whole(5, 10_000).Distinct().Count() > 200, "the bytes should look random");
    }

    [Theory]
    [InlineData(0, 13)]
    [InlineData(3, 5)]
    [InlineData(7, 64)]
    [InlineData(1001, 4099)]
    public void Any_range_equals_the_same_slice_of_the_whole_object(int start, int length)
    {
        var whole = Whole(99, 8192);
        var part = new byte[length];
        Payload.Fill(99, start, part);
        Assert.Equal(whole.AsSpan(start, length).ToArray(), part);
    }

    [Fact]
    public async Task Streamed_writes_produce_the_whole_object()
    {
        using var stream = new MemoryStream();
        await Payload.WriteToAsync(stream, 8, 0, 200_000, CancellationToken.None);
        Assert.Equal(Whole(8, 200_000), stream.ToArray());
        Assert.Equal(Whole(8, 200_000).AsSpan(70_000, 1000).ToArray(), ReadAll(new PayloadStream(8, 70_000, 1000)));
    }

    [Fact]
    public async Task Verification_accepts_the_written_bytes()
    {
        var bytes = Whole(21, 300_000);
        Assert.Equal(300_000, await Payload.VerifyStreamAsync("read", new MemoryStream(bytes), 21, bytes.Length, CancellationToken.None));
    }

    [Fact]
    public async Task A_single_flipped_byte_fails_verification_naming_its_offset()
    {
        var bytes = Whole(21, 300_000);
        bytes[123_457] ^= 0x01;
        var e = await Assert.ThrowsAsync<PayloadMismatchException>(() =>
            Payload.VerifyStreamAsync("read k", new MemoryStream(bytes), 21, bytes.Length, CancellationToken.None));
        Assert.Contains("byte 123457", e.Message);
    }

    [Fact]
    public async Task A_short_or_long_body_fails_verification()
    {
        var bytes = Whole(4, 1000);
        await Assert.ThrowsAsync<PayloadMismatchException>(() => Payload.VerifyStreamAsync("r", new MemoryStream(bytes, 0, 999), 4, 1000, CancellationToken.None));
        await Assert.ThrowsAsync<PayloadMismatchException>(() => Payload.VerifyStreamAsync("r", new MemoryStream(bytes), 4, 999, CancellationToken.None));
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
