using System.Text.Json;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>A gateway-only process (no grains) in front of a 2-silo cluster answers the object API through the silos.</summary>
public sealed class GatewayOnlyConformanceTests : IAsyncLifetime
{
    private const int Gateway = 2;
    private ConformanceServer _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ConformanceServer.StartClusterAsync(count: 3, gatewayOnly: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Small_and_large_objects_written_through_the_gateway_read_back_on_the_silos_and_vice_versa()
    {
        var prefix = $"/v1/objects/gateway-only/org={Guid.NewGuid():N}/";
        var large = new byte[1024 * 1024 + 4096];
        new Random(3).NextBytes(large);
        Assert.Equal(200, (await _cluster.SendAsync("PUT", prefix + "small", "tiny"u8.ToArray(), host: Gateway)).Status);
        Assert.Equal(200, (await _cluster.SendAsync("PUT", prefix + "large", large, chunked: true, host: Gateway)).Status);
        Assert.Equal(200, (await _cluster.SendAsync("PUT", prefix + "from-silo", "silo"u8.ToArray(), host: 0)).Status);
        Assert.Equal("tiny", Wire.Text(await _cluster.SendAsync("GET", prefix + "small", host: 1)));
        Assert.Equal(large, (await _cluster.SendAsync("GET", prefix + "large", host: 0)).Body);
        Assert.Equal(large, (await _cluster.SendAsync("GET", prefix + "large", host: Gateway)).Body);
        Assert.Equal("silo", Wire.Text(await _cluster.SendAsync("GET", prefix + "from-silo", host: Gateway)));
        Assert.Equal(200, (await _cluster.SendAsync("HEAD", prefix + "small", host: Gateway)).Status);
        Assert.Equal(204, (await _cluster.SendAsync("DELETE", prefix + "small", host: Gateway)).Status);
        Assert.Equal(404, (await _cluster.SendAsync("GET", prefix + "small", host: 0)).Status);
    }

    [Fact]
    public async Task A_multipart_upload_runs_through_the_gateway()
    {
        var path = $"/v1/objects:multipart/gateway-only/org={Guid.NewGuid():N}/mp";
        var initiate = await _cluster.SendAsync("PUT", path, host: Gateway);
        Assert.Equal(200, initiate.Status);
        using var json = JsonDocument.Parse(initiate.Body);
        var uploadId = Uri.EscapeDataString(json.RootElement.GetProperty("upload_id").GetString()!);
        var part = await _cluster.SendAsync("PUT", path.Replace("objects:multipart", "objects:multipart:parts") + $"?upload_id={uploadId}&part_number=1",
            "abc"u8.ToArray(), host: Gateway);
        using var etag = JsonDocument.Parse(part.Body);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { parts = new[] { new { part_number = 1, etag = etag.RootElement.GetProperty("etag").GetString() } } });
        var complete = await _cluster.SendAsync("POST", path.Replace("objects:multipart", "objects:multipart:complete") + $"?upload_id={uploadId}",
            body, [("content-type", "application/json")], host: Gateway);
        Assert.Contains("\"key\":\"mp\"", Wire.Text(complete));
        Assert.Equal("abc", Wire.Text(await _cluster.SendAsync("GET", path.Replace("objects:multipart", "objects"), host: 0)));
    }

    [Fact]
    public async Task A_batch_through_the_gateway_runs_against_the_remote_grains()
    {
        var scopes = $"org={Guid.NewGuid():N}";
        var body = "--b\r\nx-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: viagw\r\n\r\npayload\r\n"
            + "--b\r\nx-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: missing\r\n\r\n\r\n--b--\r\n";
        var response = await _cluster.SendAsync("POST", $"/v1/objects:batch/gateway-only/{scopes}/", System.Text.Encoding.ASCII.GetBytes(body),
            [("content-type", "multipart/form-data; boundary=b")], host: Gateway);
        Assert.Equal(200, response.Status);
        var text = Wire.Text(response);
        Assert.Contains("x-sn-batch-operation-status: 201 Created", text);
        Assert.Contains("x-sn-batch-operation-status: 404 Not Found", text);
        Assert.Equal("payload", Wire.Text(await _cluster.SendAsync("GET", $"/v1/objects/gateway-only/{scopes}/viagw", host: 1)));
    }
}
