using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Batch;

/// <summary>
/// Streams a batch response (api doc §7.4): one <c>multipart/form-data</c> part per operation in
/// completion order, each <c>--&lt;boundary&gt;\r\n</c>, header lines, a blank line, the body and
/// <c>\r\n</c>; then <c>--&lt;boundary&gt;--</c> with no trailing CRLF. Each part is flushed as it is
/// written. Safe to call from concurrently completing operations (parts never interleave).
/// </summary>
internal sealed class BatchResponseWriter
{
    private const int CopyChunk = 64 * 1024;

    private readonly PipeWriter _output;
    private readonly byte[] _opening;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _completed;

    /// <summary>Writes to <paramref name="output"/> with <paramref name="boundary"/> (default: a fresh random one).</summary>
    public BatchResponseWriter(PipeWriter output, string? boundary = null)
    {
        _output = output;
        Boundary = boundary ?? NewBoundary();
        _opening = Encoding.ASCII.GetBytes("--" + Boundary);
    }

    /// <summary>The boundary, <c>os-boundary-&lt;32 lowercase hex&gt;</c>.</summary>
    public string Boundary { get; }

    /// <summary>The response content type: <c>multipart/form-data; boundary="…"</c> (quoted).</summary>
    public string ContentType => $"multipart/form-data; boundary=\"{Boundary}\"";

    /// <summary>A random boundary: <c>os-boundary-</c> and 128 random bits in lowercase hex.</summary>
    public static string NewBoundary()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return "os-boundary-" + Convert.ToHexStringLower(random);
    }

    /// <summary>A found get: <c>200 OK</c>, the object's content type and metadata headers, the payload.</summary>
    public Task WriteGetAsync(int index, string key, ObjectMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        WritePartAsync(index, 200, BatchOperationKind.Get, key, metadata, payload, null, cancellationToken);

    /// <summary>A found get whose payload is streamed (large objects), copied in pooled chunks.</summary>
    public Task WriteGetAsync(int index, string key, ObjectMetadata metadata, Stream payload, CancellationToken cancellationToken = default) =>
        WritePartAsync(index, 200, BatchOperationKind.Get, key, metadata, default, payload, cancellationToken);

    /// <summary>A found head: <c>204 No Content</c> with the metadata headers.</summary>
    public Task WriteHeadAsync(int index, string key, ObjectMetadata metadata, CancellationToken cancellationToken = default) =>
        WritePartAsync(index, 204, BatchOperationKind.Head, key, metadata, default, null, cancellationToken);

    /// <summary>A get or head of a missing or expired object: <c>404 Not Found</c>.</summary>
    public Task WriteNotFoundAsync(int index, BatchOperationKind kind, string key, CancellationToken cancellationToken = default) =>
        WritePartAsync(index, 404, kind, key, null, default, null, cancellationToken);

    /// <summary>A done insert: always <c>201 Created</c>, with the (possibly generated) key.</summary>
    public Task WriteInsertedAsync(int index, string key, CancellationToken cancellationToken = default) =>
        WritePartAsync(index, 201, BatchOperationKind.Insert, key, null, default, null, cancellationToken);

    /// <summary>A done delete: <c>204 No Content</c>.</summary>
    public Task WriteDeletedAsync(int index, string key, CancellationToken cancellationToken = default) =>
        WritePartAsync(index, 204, BatchOperationKind.Delete, key, null, default, null, cancellationToken);

    /// <summary>A failed operation: only disposition, index and status headers, JSON error body.</summary>
    public async Task WriteErrorAsync(int index, ApiError error, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureOpen();
            var lines = new LineWriter(_output);
            WritePreamble(ref lines, index, error.Status);
            lines.EndHeaders();
            if (error.Body == ErrorBodyKind.Empty) ErrorResponses.WriteJson(_output, error with { Body = ErrorBodyKind.Json });
            else ErrorResponses.WriteJson(_output, error);
            _output.Write("\r\n"u8);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Writes the closing <c>--&lt;boundary&gt;--</c> and flushes; no part may follow.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureOpen();
            _completed = true;
            _output.Write(_opening);
            _output.Write("--"u8);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task WritePartAsync(int index, int status, BatchOperationKind kind, string key, ObjectMetadata? metadata,
        ReadOnlyMemory<byte> body, Stream? stream, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureOpen();
            var lines = new LineWriter(_output);
            var isGet = kind == BatchOperationKind.Get && metadata is not null;
            _output.Write(_opening);
            _output.Write("\r\n"u8);
            lines.Add("content-disposition", BatchHeaders.PartDisposition);
            if (isGet) lines.Add("content-type", metadata!.ContentType);
            lines.Add(BatchHeaders.Index, index.ToString(CultureInfo.InvariantCulture));
            lines.Add(BatchHeaders.Status, StatusReasons.StatusLine(status));
            lines.Add(BatchHeaders.Kind, KindName(kind));
            lines.Add(BatchHeaders.Key, PercentEncoding.EncodeNonAlphanumeric(key));
            if (metadata is not null) MetadataHeaders.Write(metadata, ref lines, singleObject: false, includeContentType: !isGet);
            lines.EndHeaders();
            if (stream is not null) await CopyAsync(stream, cancellationToken).ConfigureAwait(false);
            else if (!body.IsEmpty) _output.Write(body.Span);
            _output.Write("\r\n"u8);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private void WritePreamble(ref LineWriter lines, int index, int status)
    {
        _output.Write(_opening);
        _output.Write("\r\n"u8);
        lines.Add("content-disposition", BatchHeaders.PartDisposition);
        lines.Add(BatchHeaders.Index, index.ToString(CultureInfo.InvariantCulture));
        lines.Add(BatchHeaders.Status, StatusReasons.StatusLine(status));
    }

    private async Task CopyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, CopyChunk), cancellationToken).ConfigureAwait(false)) > 0)
            {
                _output.Write(buffer.AsSpan(0, read));
                await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureOpen()
    {
        if (_completed) throw new InvalidOperationException("the batch response is already complete");
    }

    /// <summary>The wire name of a kind: <c>get</c>, <c>head</c>, <c>insert</c>, <c>delete</c>.</summary>
    public static string KindName(BatchOperationKind kind) => kind switch
    {
        BatchOperationKind.Get => "get",
        BatchOperationKind.Head => "head",
        BatchOperationKind.Insert => "insert",
        _ => "delete",
    };

    /// <summary>Writes <c>name: value\r\n</c> lines straight into the pipe (values are ASCII by construction).</summary>
    private readonly struct LineWriter(PipeWriter output) : IHeaderSink
    {
        public void Add(string name, string value)
        {
            var length = name.Length + 2 + value.Length + 2;
            var span = output.GetSpan(length);
            var written = Encoding.Latin1.GetBytes(name, span);
            span[written++] = (byte)':';
            span[written++] = (byte)' ';
            written += Encoding.Latin1.GetBytes(value, span[written..]);
            span[written++] = (byte)'\r';
            span[written++] = (byte)'\n';
            output.Advance(written);
        }

        public void EndHeaders() => output.Write("\r\n"u8);
    }
}
