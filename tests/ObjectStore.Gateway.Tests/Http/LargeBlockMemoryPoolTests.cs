using System.Net.Http;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class LargeBlockMemoryPoolTests
{
    private const int Body = 4 * 1024 * 1024;

    /// <summary>Reads a request body from Kestrel's connection pipe and answers the largest segment it was given.</summary>
    private static async Task LargestSegment(HttpContext context)
    {
        long largest = 0, total = 0;
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer) largest = Math.Max(largest, segment.Length);
            total += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        await context.Response.WriteAsync($"{largest} {total}");
    }

    private static async Task<(long Largest, long Total)> SendAsync(bool largeBlocks)
    {
        await using var server = await KestrelTestServer.StartAsync(LargestSegment, largeBlocks: largeBlocks);
        using var http = new HttpClient();
        using var response = await http.PutAsync($"http://127.0.0.1:{server.Port}/body", new ByteArrayContent(new byte[Body]));
        var answer = (await response.Content.ReadAsStringAsync()).Split(' ');
        return (long.Parse(answer[0]), long.Parse(answer[1]));
    }

    [Fact]
    public async Task Kestrel_receives_a_body_into_64_KiB_blocks_once_the_pool_is_registered()
    {
        var (largest, total) = await SendAsync(largeBlocks: true);
        Assert.Equal(Body, total);
        Assert.InRange(largest, 4097, LargeBlockMemoryPool.BlockSize);
    }

    [Fact]
    public async Task Without_it_Kestrel_receives_into_its_4_KiB_blocks()
    {
        var (largest, total) = await SendAsync(largeBlocks: false);
        Assert.Equal(Body, total);
        Assert.InRange(largest, 1, 4096);
    }

    [Fact]
    public void A_block_is_64_KiB_whatever_the_size_asked_and_goes_back_to_the_pool_once()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent(10);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, block.Memory.Length);
        block.Dispose();
        block.Dispose(); // a second dispose must not return the array twice
        Assert.Throws<ObjectDisposedException>(() => block.Memory);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }
}
