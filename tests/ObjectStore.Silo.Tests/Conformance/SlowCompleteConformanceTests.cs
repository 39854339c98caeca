using ObjectStore.Grains.Objects;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ObjectStore.Gateway.Endpoints;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Uploads;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>
/// A multipart complete that takes longer than the keep-alive interval (api doc §8.4): the 200 head goes out at
/// once, spaces follow while the assembly runs, then the one JSON document. The backend holds the completion open
/// until the test has seen a space, so no timing is assumed beyond the server's own interval.
/// </summary>
public sealed class SlowCompleteConformanceTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConformanceServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ConformanceServer.StartAsync(inner => new HeldCompletionBackend(inner, _release.Task));

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_slow_complete_streams_spaces_before_its_one_JSON_document()
    {
        var scopes = $"org={Guid.NewGuid():N}";
        var initiate = await _server.SendAsync("PUT", $"/v1/objects:multipart/conformance/{scopes}/slow");
        string uploadId;
        using (var json = JsonDocument.Parse(initiate.Body)) uploadId = json.RootElement.GetProperty("upload_id").GetString()!;
        var query = "upload_id=" + Uri.EscapeDataString(uploadId);
        var part = await _server.SendAsync("PUT", $"/v1/objects:multipart:parts/conformance/{scopes}/slow?{query}&part_number=1", "held"u8.ToArray());
        string etag;
        using (var json = JsonDocument.Parse(part.Body)) etag = json.RootElement.GetProperty("etag").GetString()!;

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _server.Port);
        var stream = client.GetStream();
        var body = Encoding.UTF8.GetBytes($"{{\"parts\":[{{\"part_number\":1,\"etag\":{JsonSerializer.Serialize(etag)}}}]}}");
        await stream.WriteAsync(_server.Request("POST", $"/v1/objects:multipart:complete/conformance/{scopes}/slow?{query}", body,
            [("content-type", "application/json")]));

        // Head and at least one keep-alive chunk arrive while the completion is still held.
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!Encoding.Latin1.GetString(received.ToArray()).Contains("\r\n\r\n1\r\n \r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            Assert.NotEqual(0, read);
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        var head = Encoding.Latin1.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Contains("\r\ncontent-type: application/json\r\n", head);
        Assert.Contains("\r\ntransfer-encoding: chunked\r\n", head);

        _release.SetResult();
        while (!Encoding.Latin1.GetString(received.ToArray()).EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            Assert.NotEqual(0, read);
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        var text = Dechunk(Encoding.UTF8.GetString(received.ToArray()));
        Assert.StartsWith(" ", text);
        Assert.Equal(text.TrimStart(' '), text.Trim());
        using var outcome = JsonDocument.Parse(text);
        Assert.Equal("slow", outcome.RootElement.GetProperty("key").GetString());
        Assert.Equal("held", Wire.Text(await _server.SendAsync("GET", $"/v1/objects/conformance/{scopes}/slow")));
    }

    private static string Dechunk(string response)
    {
        var rest = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        var body = new StringBuilder();
        while (true)
        {
            var line = rest.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(rest[..line], 16);
            if (size == 0) return body.ToString();
            body.Append(rest, line + 2, size);
            rest = rest[(line + 2 + size + 2)..];
        }
    }

    /// <summary>Delegates everything, but a multipart completion waits for <paramref name="release"/> first.</summary>
    private sealed class HeldCompletionBackend(IObjectBackend inner, Task release) : IObjectBackend
    {
        public async Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken)
        {
            await release.WaitAsync(cancellationToken);
            return await inner.CompleteMultipartAsync(id, uploadId, parts, cancellationToken);
        }

        public Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken) =>
            inner.PutAsync(id, metadata, body, contentLength, cancellationToken);

        public Task<ObjectContent?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken) => inner.GetAsync(id, range, cancellationToken);

        public Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken) => inner.HeadAsync(id, cancellationToken);

        public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);
        public Task<ExpiryResult> ExtendExpiryAsync(ObjectId id, ExpiryRequest request, CancellationToken cancellationToken) => inner.ExtendExpiryAsync(id, request, cancellationToken);

        public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) =>
            inner.InitiateMultipartAsync(id, metadata, cancellationToken);

        public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) =>
            inner.UploadPartAsync(id, uploadId, partNumber, content, contentLength, contentMd5, cancellationToken);

        public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) =>
            inner.ListPartsAsync(id, uploadId, maxParts, partNumberMarker, cancellationToken);

        public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) => inner.AbortMultipartAsync(id, uploadId, cancellationToken);

        public Task<string> CreateUploadSessionAsync(ObjectId id, ObjectMetadata metadata, long length, CancellationToken cancellationToken) =>
            inner.CreateUploadSessionAsync(id, metadata, length, cancellationToken);

        public Task<UploadStep> UploadChunkAsync(string session, ObjectId id, long offset, Stream body, long size, CancellationToken cancellationToken) =>
            inner.UploadChunkAsync(session, id, offset, body, size, cancellationToken);

        public Task<UploadStep> QueryUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken) =>
            inner.QueryUploadSessionAsync(session, id, cancellationToken);

        public Task<UploadStep> CancelUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken) =>
            inner.CancelUploadSessionAsync(session, id, cancellationToken);

        public IAsyncEnumerable<BatchResult> RunBatchAsync(IAsyncEnumerable<BatchItem> input, CancellationToken cancellationToken) => inner.RunBatchAsync(input, cancellationToken);

        public Task<Stream?> OpenRevisionAsync(ObjectId revision, CancellationToken cancellationToken) => inner.OpenRevisionAsync(revision, cancellationToken);
    }
}
