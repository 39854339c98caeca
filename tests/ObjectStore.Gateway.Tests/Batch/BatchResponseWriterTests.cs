using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using ObjectStore.Gateway.Batch;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Tests.Batch;

public sealed class BatchResponseWriterTests
{
    private const string Boundary = "os-boundary-000000000000000000000000deadbeef";

    private static (BatchResponseWriter Writer, MemoryStream Output) Create(string? boundary = Boundary)
    {
        var output = new MemoryStream();
        return (new BatchResponseWriter(PipeWriter.Create(output), boundary), output);
    }

    [Fact]
    public async Task Parts_are_written_byte_exact()
    {
        var (writer, output) = Create();
        var metadata = new ObjectMetadata
        {
            ContentType = "text/plain",
            TimeCreated = DateTimeOffset.UnixEpoch,
            Filename = "f.txt",
            Custom = new Dictionary<string, string> { ["x"] = "y" },
        };

        await writer.WriteInsertedAsync(1, "key-1");
        await writer.WriteGetAsync(0, "a/b", metadata, "hello"u8.ToArray());
        await writer.WriteErrorAsync(2, ApiError.Json(429, "rate limited"));
        await writer.WriteHeadAsync(3, "h", new ObjectMetadata { Compression = "zstd" });
        await writer.WriteNotFoundAsync(4, BatchOperationKind.Get, "gone");
        await writer.WriteDeletedAsync(5, "d");
        await writer.CompleteAsync();

        var expected =
            $"--{Boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 1\r\nx-sn-batch-operation-status: 201 Created\r\n" +
            "x-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: key%2D1\r\n\r\n\r\n" +
            $"--{Boundary}\r\ncontent-disposition: form-data; name=part\r\ncontent-type: text/plain\r\nx-sn-batch-operation-index: 0\r\nx-sn-batch-operation-status: 200 OK\r\n" +
            "x-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: a%2Fb\r\nx-sn-time-created: 1970-01-01T00:00:00.000000Z\r\nx-sn-filename: f.txt\r\nx-snme-x: y\r\n\r\nhello\r\n" +
            $"--{Boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 2\r\nx-sn-batch-operation-status: 429 Too Many Requests\r\n\r\n" +
            "{\"detail\":\"rate limited\"}\r\n" +
            $"--{Boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 3\r\nx-sn-batch-operation-status: 204 No Content\r\n" +
            "x-sn-batch-operation-kind: head\r\nx-sn-batch-operation-key: h\r\ncontent-type: application/octet-stream\r\ncontent-encoding: zstd\r\n\r\n\r\n" +
            $"--{Boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 4\r\nx-sn-batch-operation-status: 404 Not Found\r\n" +
            "x-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: gone\r\n\r\n\r\n" +
            $"--{Boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 5\r\nx-sn-batch-operation-status: 204 No Content\r\n" +
            "x-sn-batch-operation-kind: delete\r\nx-sn-batch-operation-key: d\r\n\r\n\r\n" +
            $"--{Boundary}--";
        Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Zero_parts_is_just_the_closing_delimiter()
    {
        var (writer, output) = Create();

        await writer.CompleteAsync();

        Assert.Equal($"--{Boundary}--", Encoding.ASCII.GetString(output.ToArray()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteDeletedAsync(0, "late"));
    }

    [Fact]
    public void Fresh_boundaries_are_random_lowercase_hex_and_quoted_in_the_content_type()
    {
        var (writer, _) = Create(boundary: null);
        var other = BatchResponseWriter.NewBoundary();

        Assert.Matches(new Regex("^os-boundary-[0-9a-f]{32}$"), writer.Boundary);
        Assert.NotEqual(writer.Boundary, other);
        Assert.Equal($"multipart/form-data; boundary=\"{writer.Boundary}\"", writer.ContentType);
        Assert.True(BatchRequestReader.TryGetBoundary(writer.ContentType, out var parsed));
        Assert.Equal(writer.Boundary, parsed);
    }

    [Fact]
    public async Task Concurrent_completions_never_interleave_and_an_independent_parser_reads_them()
    {
        var (writer, output) = Create(boundary: null);
        const int count = 40;
        static byte[] Body(int i) => Enumerable.Range(0, 10_000 + i).Select(n => (byte)(n * 31 + i)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => i % 2 == 0
            ? writer.WriteGetAsync(i, $"key {i}", new ObjectMetadata(), Body(i))
            : writer.WriteGetAsync(i, $"key {i}", new ObjectMetadata(), new MemoryStream(Body(i))))));
        await writer.CompleteAsync();

        output.Position = 0;
        var reader = new MultipartReader(writer.Boundary, output);
        var seen = new HashSet<int>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var index = int.Parse(section.Headers![BatchHeaders.Index]!);
            Assert.Equal("200 OK", section.Headers[BatchHeaders.Status]);
            Assert.Equal(PercentEncoding.EncodeNonAlphanumeric($"key {index}"), section.Headers[BatchHeaders.Key]);
            using var body = new MemoryStream();
            await section.Body.CopyToAsync(body);
            Assert.Equal(Body(index), body.ToArray());
            Assert.True(seen.Add(index));
        }
        Assert.Equal(count, seen.Count);
    }

    [Fact]
    public async Task Request_parts_written_like_the_clients_round_trip_through_the_reader()
    {
        // The Python client's request layout: lowercase disposition first, quoted os-boundary.
        var boundary = BatchResponseWriter.NewBoundary();
        var payload = new byte[5000];
        new Random(3).NextBytes(payload);
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Text($"--{boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: {PercentEncoding.EncodeNonAlphanumeric("emoji-😀/1")}\r\ncontent-type: application/x-test\r\n\r\n");
        body.Write(payload);
        Text($"\r\n--{boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: {PercentEncoding.EncodeNonAlphanumeric("100%literal")}\r\n\r\n\r\n--{boundary}--\r\n");
        body.Position = 0;

        Assert.True(BatchRequestReader.TryGetBoundary($"multipart/form-data; boundary=\"{boundary}\"", out var parsed));
        var operations = new List<BatchOperation>();
        await foreach (var operation in new BatchRequestReader(PipeReader.Create(body), parsed).ReadAsync()) operations.Add(operation);

        Assert.Equal("emoji-😀/1", operations[0].Key);
        Assert.Equal("application/x-test", operations[0].Metadata!.ContentType);
        Assert.Equal(payload, operations[0].Payload.ToArray());
        Assert.Equal("100%literal", operations[1].Key);
    }
}
