using System.IO.Pipelines;
using System.Text;
using ObjectStore.Gateway.Batch;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Tests.Batch;

public sealed class BatchRequestReaderTests
{
    private static PipeReader Body(string text) => PipeReader.Create(new MemoryStream(Encoding.Latin1.GetBytes(text)));

    private static async Task<List<BatchOperation>> ReadAll(PipeReader body, string boundary = "boundary", BatchLimits? limits = null)
    {
        var operations = new List<BatchOperation>();
        await foreach (var operation in new BatchRequestReader(body, boundary, limits).ReadAsync()) operations.Add(operation);
        return operations;
    }

    private static Task<List<BatchOperation>> ReadAll(string text, string boundary = "boundary", BatchLimits? limits = null) =>
        ReadAll(Body(text), boundary, limits);

    private static string Part(string headers, string body = "") => $"--boundary\r\n{headers}\r\n{body}\r\n";

    [Fact]
    public async Task The_reference_example_parses_into_four_operations()
    {
        var body =
            "--boundary\r\nx-sn-batch-operation-key: test%2F0\r\nx-sn-batch-operation-kind: get\r\n\r\n\r\n" +
            "--boundary\r\nx-sn-batch-operation-key: test1\r\nx-sn-batch-operation-kind: insert\r\nContent-Type: application/octet-stream\r\n\r\nfirst blob data\r\n" +
            "--boundary\r\nx-sn-batch-operation-key: test2\r\nx-sn-batch-operation-kind: insert\r\nx-sn-expiration: manual\r\nx-sn-origin: 203.0.113.42\r\nContent-Type: text/plain\r\n\r\nsecond blob data\r\n" +
            "--boundary\r\nx-sn-batch-operation-key: test3\r\nx-sn-batch-operation-kind: delete\r\n\r\n\r\n" +
            "--boundary--\r\n";

        var operations = await ReadAll(body);

        Assert.Equal(4, operations.Count);
        Assert.All(operations, o => Assert.True(o.IsValid));
        Assert.Equal([0, 1, 2, 3], operations.Select(o => o.Index));
        Assert.Equal((BatchOperationKind.Get, "test/0"), (operations[0].Kind!.Value, operations[0].Key!));
        Assert.Equal("test1", operations[1].Key);
        Assert.Equal("application/octet-stream", operations[1].Metadata!.ContentType);
        Assert.Null(operations[1].Metadata!.Origin);
        Assert.Equal("first blob data", Encoding.ASCII.GetString(operations[1].Payload.Span));
        Assert.Equal("text/plain", operations[2].Metadata!.ContentType);
        Assert.Equal("203.0.113.42", operations[2].Metadata!.Origin);
        Assert.Equal("second blob data", Encoding.ASCII.GetString(operations[2].Payload.Span));
        Assert.Equal((BatchOperationKind.Delete, "test3"), (operations[3].Kind!.Value, operations[3].Key!));
    }

    [Fact]
    public async Task An_insert_without_key_asks_for_a_generated_one()
    {
        var operations = await ReadAll(Part("x-sn-batch-operation-kind: insert\r\nContent-Type: application/octet-stream\r\n", "keyless payload") + "--boundary--\r\n");

        var insert = Assert.Single(operations);
        Assert.Equal(BatchOperationKind.Insert, insert.Kind);
        Assert.Null(insert.Key);
        Assert.Equal("keyless payload", Encoding.ASCII.GetString(insert.Payload.Span));
    }

    [Fact]
    public async Task Errors_fail_only_their_own_operation()
    {
        var large = new string('x', 1024 * 1024 + 1);
        var body =
            Part("x-sn-batch-operation-kind: get\r\n") +
            Part("x-sn-batch-operation-key: valid\r\nx-sn-batch-operation-kind: get\r\n") +
            Part("x-sn-batch-operation-kind: delete\r\n") +
            Part("x-sn-batch-operation-key: valid\r\nx-sn-batch-operation-kind: insert\r\nContent-Type: application/octet-stream\r\n", large) +
            Part("x-sn-batch-operation-key: valid\r\nx-sn-batch-operation-kind: delete\r\n") +
            Part("x-sn-batch-operation-key: k\r\nx-sn-batch-operation-kind: upsert\r\n") +
            Part("x-sn-batch-operation-key: %FF%FE\r\nx-sn-batch-operation-kind: get\r\n") +
            Part("x-sn-batch-operation-key: k\r\nx-sn-batch-operation-kind: insert\r\ncontent-encoding: gzip\r\n", "data") +
            Part("x-sn-batch-operation-kind: head\r\n") +
            Part("x-sn-batch-operation-key: k\r\nthis line has no colon\r\nx-sn-batch-operation-kind: get\r\n") +
            Part("x-sn-batch-operation-key: h%20k\r\nX-SN-Batch-Operation-Kind: HEAD\r\n") +
            "--boundary--";

        var operations = await ReadAll(body);

        Assert.Equal([400, 0, 400, 413, 0, 400, 400, 400, 400, 400, 0], operations.Select(o => o.Error?.Status ?? 0));
        Assert.Equal(Enumerable.Range(0, 11), operations.Select(o => o.Index));
        Assert.Equal("bad request: missing x-sn-batch-operation-key header for get operation", operations[0].Error!.Detail);
        Assert.Equal("batch limit exceeded: individual request in batch exceeds body size limit of 1048576 bytes", operations[3].Error!.Detail);
        Assert.Equal("bad request: invalid operation kind: upsert", operations[5].Error!.Detail);
        Assert.Equal("metadata error: invalid compression value", operations[7].Error!.Detail);
        Assert.Equal((BatchOperationKind.Delete, "valid"), (operations[4].Kind!.Value, operations[4].Key!));
        Assert.Equal((BatchOperationKind.Head, "h k"), (operations[10].Kind!.Value, operations[10].Key!));
    }

    [Fact]
    public async Task A_payload_of_exactly_one_mebibyte_is_accepted()
    {
        var payload = new string('y', 1024 * 1024);
        var operations = await ReadAll(Part("x-sn-batch-operation-kind: insert\r\n", payload) + "--boundary--");

        Assert.True(operations[0].IsValid);
        Assert.Equal(1024 * 1024, operations[0].Payload.Length);
    }

    [Fact]
    public async Task Parts_beyond_the_thousandth_fail_with_413_each()
    {
        var body = new StringBuilder();
        for (var i = 0; i < 1003; i++) body.Append(Part($"x-sn-batch-operation-key: test{i}\r\nx-sn-batch-operation-kind: get\r\n"));
        body.Append("--boundary--\r\n");

        var operations = await ReadAll(body.ToString());

        Assert.Equal(1003, operations.Count);
        Assert.All(operations.Take(1000), o => Assert.True(o.IsValid));
        Assert.All(operations.Skip(1000), o => Assert.Equal(413, o.Error!.Status));
        Assert.Equal("batch limit exceeded: exceeded 1000 operations per batch request", operations[1000].Error!.Detail);
        Assert.Equal(1002, operations[^1].Index);
    }

    [Fact]
    public async Task Preamble_padding_epilogue_and_boundary_lookalikes_are_handled()
    {
        var payload = "a\r\n--boundar\r\n-boundary\r\n--Boundary\r\n-";
        var body = "preamble text\r\n--boundary  \t\r\nx-sn-batch-operation-kind: insert\r\n\r\n" + payload + "\r\n--boundary--\r\nepilogue";

        var operations = await ReadAll(body);

        Assert.Equal(payload, Encoding.ASCII.GetString(Assert.Single(operations).Payload.Span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--boundary--")]
    [InlineData("no boundary anywhere")]
    public async Task Bodies_without_parts_yield_no_operations(string body)
    {
        Assert.Empty(await ReadAll(body));
    }

    [Theory]
    [InlineData("--boundary\r\nx-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: k\r\n\r\nno closing delimiter")]
    [InlineData("--boundary\r\nx-sn-batch-operation-kind: get\r\nx-sn-batch-")]
    [InlineData("--boundary\r\nx-sn-batch-operation-key: a\r\nx-sn-batch-operation-kind: get\r\n\r\n\r\n--boundary")]
    public async Task A_truncated_body_ends_with_one_400_operation(string body)
    {
        var operations = await ReadAll(body);

        var last = operations[^1];
        Assert.Equal(400, last.Error!.Status);
        Assert.StartsWith("multipart error: ", last.Error.Detail);
    }

    [Fact]
    public async Task The_whole_body_limit_stops_reading_with_413()
    {
        var body = new StringBuilder();
        for (var i = 0; i < 50; i++) body.Append(Part("x-sn-batch-operation-kind: insert\r\n", new string('z', 100)));
        body.Append("--boundary--");

        var operations = await ReadAll(body.ToString(), limits: new BatchLimits { MaxBodyBytes = 1000 });

        Assert.True(operations.Count < 50);
        Assert.Equal(413, operations[^1].Error!.Status);
    }

    [Fact]
    public async Task Oversized_parts_are_skipped_without_buffering_and_memory_stays_bounded()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024));
        var reader = new BatchRequestReader(pipe.Reader, "boundary");
        var writing = Task.Run(async () =>
        {
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("--boundary\r\nx-sn-batch-operation-kind: insert\r\n\r\n"));
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'q');
            for (var i = 0; i < 8 * 16; i++) await pipe.Writer.WriteAsync(chunk); // 8 MiB
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("\r\n--boundary\r\nx-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: after\r\n\r\n\r\n--boundary--"));
            await pipe.Writer.CompleteAsync();
        });

        var operations = new List<BatchOperation>();
        await foreach (var operation in reader.ReadAsync()) operations.Add(operation);
        await writing;

        Assert.Equal(413, operations[0].Error!.Status);
        Assert.Equal("after", operations[1].Key);
        Assert.InRange(reader.LargestPayloadBuffer, 1, 1024 * 1024);
    }

    [Fact]
    public async Task Operations_are_yielded_before_the_rest_of_the_body_arrives()
    {
        var pipe = new Pipe();
        var timeout = TimeSpan.FromSeconds(10);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(Part("x-sn-batch-operation-key: first\r\nx-sn-batch-operation-kind: get\r\n") + "--boundary\r\nx-sn-batch-operation-key: sec"));
        await using var operations = new BatchRequestReader(pipe.Reader, "boundary").ReadAsync().GetAsyncEnumerator();

        Assert.True(await operations.MoveNextAsync().AsTask().WaitAsync(timeout));
        Assert.Equal("first", operations.Current.Key);

        var next = operations.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("ond\r\nx-sn-batch-operation-kind: delete\r\n\r\n\r\n--boundary--"));
        await pipe.Writer.CompleteAsync();
        Assert.True(await next.WaitAsync(timeout));
        Assert.Equal("second", operations.Current.Key);
        Assert.False(await operations.MoveNextAsync().AsTask().WaitAsync(timeout));
    }

    [Fact]
    public async Task Payload_bytes_are_binary_exact_across_tiny_reads()
    {
        var payload = new byte[300_000];
        new Random(7).NextBytes(payload);
        var head = Encoding.ASCII.GetBytes("--b\r\nx-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: bin\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes("\r\n--b--");
        var stream = new TrickleStream([.. head, .. payload, .. tail], 997);

        var operations = await ReadAll(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1024, minimumReadSize: 512)), "b");

        Assert.Equal(payload, Assert.Single(operations).Payload.ToArray());
    }

    [Fact]
    public async Task Disposing_an_insert_releases_its_payload()
    {
        var operation = Assert.Single(await ReadAll(Part("x-sn-batch-operation-kind: insert\r\n", "abc") + "--boundary--"));

        operation.Dispose();
        operation.Dispose();

        Assert.True(operation.Payload.IsEmpty);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=abc", "abc")]
    [InlineData("multipart/form-data; boundary=\"os-boundary-0123abcd\"", "os-boundary-0123abcd")]
    [InlineData("Multipart/Form-Data;boundary=x y", null)]
    [InlineData("multipart/form-data; charset=utf-8; boundary=\"a b\"", "a b")]
    [InlineData("multipart/form-data", null)]
    [InlineData("multipart/form-data; boundary=", null)]
    [InlineData("multipart/mixed; boundary=abc", null)]
    [InlineData("application/json", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_boundary_comes_from_a_multipart_form_data_content_type(string? contentType, string? boundary)
    {
        Assert.Equal(boundary is not null, BatchRequestReader.TryGetBoundary(contentType, out var parsed));
        if (boundary is not null) Assert.Equal(boundary, parsed);
    }

    [Fact]
    public void A_missing_boundary_is_a_plain_text_400()
    {
        Assert.Equal(400, BatchRequestReader.InvalidBoundary.Status);
        Assert.Equal(ObjectStore.Gateway.Http.ErrorBodyKind.Text, BatchRequestReader.InvalidBoundary.Body);
    }

    [Fact]
    public async Task Insert_metadata_comes_from_the_part_headers()
    {
        var operations = await ReadAll(Part(
            "x-sn-batch-operation-kind: insert\r\ncontent-type: image/png\r\ncontent-encoding: zstd\r\nx-sn-filename: a.png\r\nx-snme-Build: 7\r\nx-sn-time-created: junk\r\n", "p") + "--boundary--");

        var metadata = Assert.Single(operations).Metadata!;
        Assert.Equal("image/png", metadata.ContentType);
        Assert.Equal("zstd", metadata.Compression);
        Assert.Equal("a.png", metadata.Filename);
        Assert.Equal("7", metadata.Custom["build"]);
        Assert.Equal(ExpirationPolicy.Manual, metadata.Expiration);
        Assert.Null(metadata.TimeCreated);
    }

    /// <summary>Returns at most a few bytes per read, so parts straddle every buffer edge.</summary>
    private sealed class TrickleStream(byte[] data, int step) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var take = Math.Min(Math.Min(count, step), data.Length - _position);
            data.AsSpan(_position, take).CopyTo(buffer.AsSpan(offset));
            _position += take;
            return take;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
