using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using ObjectStore.Gateway.Batch;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Tests.Http;

/// <summary>The wire pieces together on a real Kestrel connection, driven by a raw client.</summary>
public sealed class WireEndToEndTests
{
    private static async Task Handle(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var match = ApiRouter.Match(context.Request.Method, rawTarget);
        if (!match.IsMatch)
        {
            if (match.Allow is not null) context.Response.Headers["allow"] = match.Allow;
            await ErrorResponses.WriteAsync(context.Response, ApiError.Empty(match.Status));
            return;
        }
        if (!match.TryDecodePath(out var path, out var pathError))
        {
            await ErrorResponses.WriteAsync(context.Response, ApiError.Text(400, pathError));
            return;
        }
        if (match.Route == ApiRoute.Object)
        {
            var metadata = new ObjectMetadata { ContentType = "text/plain", Filename = path.Key, TimeCreated = DateTimeOffset.UnixEpoch };
            MetadataHeaders.Write(metadata, context.Response.Headers);
            context.Response.StatusCode = context.Request.Method == "HEAD" ? 204 : 200;
            if (context.Request.Method == "GET") await context.Response.WriteAsync(path.Key!);
            return;
        }
        if (!BatchRequestReader.TryGetBoundary(context.Request.ContentType, out var boundary))
        {
            await ErrorResponses.WriteAsync(context.Response, BatchRequestReader.InvalidBoundary);
            return;
        }
        var writer = new BatchResponseWriter(context.Response.BodyWriter);
        context.Response.ContentType = writer.ContentType;
        await foreach (var operation in new BatchRequestReader(context.Request.BodyReader, boundary).ReadAsync(context.RequestAborted))
        {
            using (operation)
            {
                if (!operation.IsValid) await writer.WriteErrorAsync(operation.Index, operation.Error!);
                else if (operation.Kind == BatchOperationKind.Insert) await writer.WriteInsertedAsync(operation.Index, operation.Key ?? "generated");
                else await writer.WriteNotFoundAsync(operation.Index, operation.Kind!.Value, operation.Key!);
            }
        }
        await writer.CompleteAsync();
    }

    [Fact]
    public async Task Raw_target_routing_keeps_what_Kestrel_would_decode_or_normalise()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);

        await connection.SendAsync("GET /v1/objects/use/org=1/a%2Fb/../c%20d+e HTTP/1.1\r\nHost: x\r\n\r\n");
        var get = await connection.ReadResponseAsync();
        await connection.SendAsync("HEAD /v1/objects/use/_/k HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = await connection.ReadResponseAsync(headRequest: true);
        await connection.SendAsync("GET /v1/objects/use/org/k HTTP/1.1\r\nHost: x\r\n\r\n");
        var badScopes = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /v1/objects/use/_/ HTTP/1.1\r\nHost: x\r\n\r\n");
        var collection = await connection.ReadResponseAsync();

        Assert.Equal("a/b/../c d+e", Encoding.UTF8.GetString(get.Body));
        Assert.Contains("content-disposition: attachment; filename=\"a-b-..-c d+e\"", get.Head);
        Assert.Contains("accept-ranges: bytes", get.Head);
        Assert.Contains("content-type: text/plain", get.Head);
        Assert.Equal(204, head.Status);
        Assert.Contains("x-sn-time-created: 1970-01-01T00:00:00.000000Z", head.Head);
        Assert.Equal(400, badScopes.Status);
        Assert.StartsWith("Invalid URL: ", Encoding.UTF8.GetString(badScopes.Body));
        Assert.Equal(405, collection.Status);
        Assert.Equal("POST", collection.Header("allow"));
    }

    [Fact]
    public async Task A_chunked_batch_request_gets_a_streamed_multipart_answer()
    {
        await using var server = await KestrelTestServer.StartAsync(Handle);
        await using var connection = await RawHttpConnection.OpenAsync(server.Port);
        var body =
            "--b\r\nx-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: key%2D1\r\n\r\npayload\r\n" +
            "--b\r\nx-sn-batch-operation-kind: get\r\n\r\n\r\n" +
            "--b\r\nx-sn-batch-operation-kind: head\r\nx-sn-batch-operation-key: k\r\n\r\n\r\n--b--";
        var chunks = new StringBuilder();
        foreach (var piece in body.Chunk(40)) chunks.Append($"{piece.Length:x}\r\n").Append(piece).Append("\r\n");
        chunks.Append("0\r\n\r\n");

        await connection.SendAsync($"POST /v1/objects:batch/use/_/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=\"b\"\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}");
        var response = await connection.ReadResponseAsync();
        await connection.SendAsync("POST /v1/objects:batch/use/_/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        var notMultipart = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        var contentType = response.Header("content-type")!;
        Assert.Contains("content-type: multipart/form-data; boundary=\"os-boundary-", response.Head);
        Assert.True(BatchRequestReader.TryGetBoundary(contentType, out var boundary));
        var reader = new MultipartReader(boundary, new MemoryStream(response.Body));
        var statuses = new List<string>();
        while (await reader.ReadNextSectionAsync() is { } section) statuses.Add($"{section.Headers![BatchHeaders.Index]} {section.Headers[BatchHeaders.Status]}");
        Assert.Equal(["0 201 Created", "1 400 Bad Request", "2 404 Not Found"], statuses);
        Assert.Equal(400, notMultipart.Status);
        Assert.Equal("Invalid `boundary` for `multipart/form-data` request", Encoding.UTF8.GetString(notMultipart.Body));
    }
}
