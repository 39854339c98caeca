using System.Text;
using ObjectStore.Gateway.Tests.Http;
using ObjectStore.Silo.Tests.Conformance;

namespace ObjectStore.Silo.Tests.Faults;

/// <summary>Malformed request framing is the client's error: 400 with a message, never 500.</summary>
public sealed class ClientFramingConformanceTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly ConformanceServer _server = fixture.Server;

    [Theory]
    [InlineData("ffffffffffffffffffff")] // overflows Kestrel's chunk-size parser (an IOException, not a BadHttpRequestException)
    [InlineData("zz")]
    [InlineData("-1")]
    public async Task A_bad_or_overflowing_chunk_size_is_400(string size)
    {
        var key = $"chunk-{Guid.NewGuid():N}";
        await using var connection = await RawHttpConnection.OpenAsync(_server.Port);
        await connection.SendAsync(Encoding.ASCII.GetBytes(
            $"PUT /v1/objects/conformance/org=1/{key} HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n\r\n{size}\r\nabc\r\n"));
        var response = await connection.ReadResponseAsync();

        Assert.Equal(400, response.Status);
        Assert.StartsWith("client error: ", Wire.Detail(response));
        Assert.Equal(404, (await _server.SendAsync("GET", $"/v1/objects/conformance/org=1/{key}")).Status);
    }

    [Fact]
    public async Task A_bare_custom_metadata_prefix_is_stored_as_the_empty_name_as_the_reference_does()
    {
        var path = $"/v1/objects/conformance/org=1/bare-{Guid.NewGuid():N}";
        var put = await _server.SendAsync("PUT", path, "v"u8.ToArray(), [("x-snme-", "empty name")]);
        Assert.Equal(200, put.Status);

        var head = await _server.SendAsync("HEAD", path);
        Assert.Equal("empty name", head.Header("x-snme-"));
    }
}
