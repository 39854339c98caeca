using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Net.Http.Headers;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Batch;

/// <summary>
/// Reads a batch request body (<c>multipart/form-data</c>, api doc §7.1) lazily, one part at a time,
/// straight from the request pipe. Each part becomes a <see cref="BatchOperation"/> or that
/// operation's error: missing/unknown kind, missing or undecodable key and bad metadata are 400;
/// a payload over 1 MiB or a part beyond the 1000th is 413, and its bytes are skipped, not buffered.
/// A part that cannot even be delimited (truncated body) ends the stream with one 400 operation.
/// Memory held is one payload (≤ 1 MiB, pooled) plus one pipe segment window.
/// </summary>
internal sealed class BatchRequestReader
{
    private static readonly ApiError InvalidBoundaryError = ApiError.Text(400, "Invalid `boundary` for `multipart/form-data` request");

    private readonly PipeReader _body;
    private readonly byte[] _delimiter;
    private readonly BatchLimits _limits;
    private long _consumed;

    /// <summary>Reads parts separated by <paramref name="boundary"/> from <paramref name="body"/>.</summary>
    public BatchRequestReader(PipeReader body, string boundary, BatchLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        _body = body;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        _limits = limits ?? BatchLimits.Default;
    }

    /// <summary>Largest payload buffer rented so far (memory-bound diagnostics).</summary>
    public int LargestPayloadBuffer { get; private set; }

    /// <summary>The whole-request 400 for a content type that is not multipart/form-data with a boundary (§4.2).</summary>
    public static ApiError InvalidBoundary => InvalidBoundaryError;

    /// <summary>Extracts the boundary of a <c>multipart/form-data</c> content type; quoted boundaries allowed.</summary>
    public static bool TryGetBoundary(string? contentType, out string boundary)
    {
        boundary = "";
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)) return false;
        if (!mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return false;
        var value = HeaderUtilities.RemoveQuotes(mediaType.Boundary);
        if (value.Length is 0 or > 200) return false;
        foreach (var c in value.AsSpan())
            if (c is < ' ' or > '~') return false;
        boundary = value.ToString();
        return true;
    }

    /// <summary>The operations in request order, parsed as the consumer asks for them.</summary>
    public async IAsyncEnumerable<BatchOperation> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!await SkipPreambleAsync(cancellationToken).ConfigureAwait(false)) yield break;
        var headers = new List<KeyValuePair<string, string>>();
        for (var index = 0; ; index++)
        {
            var delimiter = await ReadDelimiterEndAsync(cancellationToken).ConfigureAwait(false);
            if (delimiter == DelimiterEnd.Close) yield break;
            if (delimiter != DelimiterEnd.Part)
            {
                yield return BatchOperation.Failed(index, Malformed(delimiter == DelimiterEnd.Truncated ? "incomplete multipart stream" : "invalid boundary line"));
                yield break;
            }

            headers.Clear();
            var headerResult = await ReadHeadersAsync(headers, cancellationToken).ConfigureAwait(false);
            if (headerResult == HeaderResult.Truncated)
            {
                yield return BatchOperation.Failed(index, Malformed("incomplete multipart stream"));
                yield break;
            }

            BatchOperation? operation = null;
            Payload? payload = null;
            if (_consumed > _limits.MaxBodyBytes) operation = BodyTooLarge(index);
            else if (index >= _limits.MaxOperations) operation = BatchOperation.Failed(index, LimitExceeded($"exceeded {_limits.MaxOperations} operations per batch request"));
            else if (headerResult == HeaderResult.Malformed) operation = BatchOperation.Failed(index, Malformed("malformed part headers"));
            else operation = ParseHead(index, headers, out payload);

            var terminated = await ReadBodyAsync(payload, cancellationToken).ConfigureAwait(false);
            if (payload is not null)
            {
                operation = payload.Overflowed
                    ? BatchOperation.Failed(index, LimitExceeded($"individual request in batch exceeds body size limit of {_limits.MaxPayloadBytes} bytes"))
                    : payload.ToInsert(index, operation.Key, operation.Metadata!);
            }
            if (!terminated)
            {
                operation.Dispose();
                yield return BatchOperation.Failed(index, _consumed > _limits.MaxBodyBytes ? BodyTooLarge(index).Error! : Malformed("incomplete multipart stream"));
                yield break;
            }
            yield return operation;
            if (_consumed > _limits.MaxBodyBytes)
            {
                yield return BodyTooLarge(index + 1);
                yield break;
            }
        }
    }

    private BatchOperation BodyTooLarge(int index) =>
        BatchOperation.Failed(index, ApiError.Json(413, $"batch limit exceeded: request body exceeds {_limits.MaxBodyBytes} bytes"));

    private static ApiError Malformed(string what) => ApiError.Json(400, "multipart error: " + what);

    private static ApiError BadRequest(string what) => ApiError.Json(400, "bad request: " + what);

    private static ApiError LimitExceeded(string what) => ApiError.Json(413, "batch limit exceeded: " + what);

    /// <summary>Kind, key and (for inserts) metadata from the part headers; inserts get a payload sink.</summary>
    private BatchOperation ParseHead(int index, List<KeyValuePair<string, string>> headers, out Payload? payload)
    {
        payload = null;
        string? kindText = null, keyText = null;
        foreach (var (name, value) in headers)
        {
            if (kindText is null && name.Equals(BatchHeaders.Kind, StringComparison.OrdinalIgnoreCase)) kindText = value;
            else if (keyText is null && name.Equals(BatchHeaders.Key, StringComparison.OrdinalIgnoreCase)) keyText = value;
        }
        if (kindText is null) return BatchOperation.Failed(index, BadRequest($"missing {BatchHeaders.Kind} header"));
        if (!MetadataHeaders.IsVisibleAscii(kindText)) return BatchOperation.Failed(index, BadRequest($"unable to convert {BatchHeaders.Kind} header value to string"));
        BatchOperationKind kind;
        if (kindText.Equals("get", StringComparison.OrdinalIgnoreCase)) kind = BatchOperationKind.Get;
        else if (kindText.Equals("head", StringComparison.OrdinalIgnoreCase)) kind = BatchOperationKind.Head;
        else if (kindText.Equals("insert", StringComparison.OrdinalIgnoreCase)) kind = BatchOperationKind.Insert;
        else if (kindText.Equals("delete", StringComparison.OrdinalIgnoreCase)) kind = BatchOperationKind.Delete;
        else return BatchOperation.Failed(index, BadRequest($"invalid operation kind: {kindText.ToLowerInvariant()}"));

        string? key = null;
        if (keyText is not null)
        {
            if (!MetadataHeaders.IsVisibleAscii(keyText)) return BatchOperation.Failed(index, BadRequest($"unable to convert {BatchHeaders.Key} header value to string"));
            if (!PercentEncoding.TryDecode(keyText, out key)) return BatchOperation.Failed(index, BadRequest($"unable to percent-decode {BatchHeaders.Key} header value"));
            if (key.Length == 0) return BatchOperation.Failed(index, BadRequest($"empty {BatchHeaders.Key} header"));
        }
        if (kind != BatchOperationKind.Insert)
        {
            return key is null
                ? BatchOperation.Failed(index, BadRequest($"missing {BatchHeaders.Key} header for {kind.ToString().ToLowerInvariant()} operation"))
                : BatchOperation.ForKey(index, kind, key);
        }

        var reader = new MetadataHeaders.Reader();
        foreach (var (name, value) in headers)
        {
            if (!reader.TryAdd(name, value, out var error))
                return BatchOperation.Failed(index, error! with { Detail = error.Detail.Replace("service error: ", "", StringComparison.Ordinal) });
        }
        payload = new Payload(this, _limits.MaxPayloadBytes);
        return BatchOperation.ForInsert(index, key, reader.Build(), null, 0);
    }

    private async ValueTask<bool> SkipPreambleAsync(CancellationToken cancellationToken)
    {
        var opening = _delimiter.AsMemory(2);
        while (true)
        {
            var result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length < opening.Length && !result.IsCompleted)
            {
                _body.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (StartsWith(buffer, opening.Span))
            {
                Consume(buffer, buffer.GetPosition(opening.Length));
                return true;
            }
            if (FindDelimiter(buffer, out _, out var after))
            {
                Consume(buffer, after);
                return true;
            }
            ConsumeAllButTail(buffer);
            if (result.IsCompleted) return false;
        }
    }

    private enum DelimiterEnd
    {
        Part,
        Close,
        Malformed,
        Truncated,
    }

    private async ValueTask<DelimiterEnd> ReadDelimiterEndAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var end = ClassifyDelimiterEnd(buffer, out var consumed);
            if (end is { } found)
            {
                Consume(buffer, consumed);
                return found;
            }
            _body.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return DelimiterEnd.Truncated;
        }
    }

    private static DelimiterEnd? ClassifyDelimiterEnd(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        consumed = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        if (reader.IsNext("--"u8, advancePast: true))
        {
            consumed = reader.Position;
            return DelimiterEnd.Close;
        }
        if (!reader.TryReadTo(out ReadOnlySequence<byte> padding, "\r\n"u8, advancePastDelimiter: true))
            return buffer.Length > 1024 ? DelimiterEnd.Malformed : null;
        foreach (var segment in padding)
        {
            foreach (var b in segment.Span)
                if (b is not (byte)' ' and not (byte)'\t') return DelimiterEnd.Malformed;
        }
        consumed = reader.Position;
        return DelimiterEnd.Part;
    }

    private enum HeaderResult
    {
        Complete,
        Malformed,
        Truncated,
    }

    private async ValueTask<HeaderResult> ReadHeadersAsync(List<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var total = 0L;
        var malformed = false;
        while (true)
        {
            var result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var done = ParseHeaderLines(buffer, headers, ref malformed, out var consumed);
            total += buffer.Slice(buffer.Start, consumed).Length;
            if (done)
            {
                Consume(buffer, consumed);
                return malformed ? HeaderResult.Malformed : HeaderResult.Complete;
            }
            // Everything was looked at: wait for more bytes rather than re-reading the same line.
            Consume(buffer, consumed, buffer.End);
            if (total + (buffer.Length - buffer.Slice(buffer.Start, consumed).Length) > _limits.MaxPartHeaderBytes)
            {
                // Give up on this part's headers; the body search finds the next delimiter from here.
                return HeaderResult.Malformed;
            }
            if (result.IsCompleted) return HeaderResult.Truncated;
        }
    }

    private static bool ParseHeaderLines(ReadOnlySequence<byte> buffer, List<KeyValuePair<string, string>> headers, ref bool malformed, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        consumed = buffer.Start;
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
        {
            consumed = reader.Position;
            if (line.IsEmpty) return true;
            if (!TryParseHeaderLine(line, out var name, out var value)) malformed = true;
            else headers.Add(new(name, value));
        }
        return false;
    }

    private static bool TryParseHeaderLine(ReadOnlySequence<byte> line, out string name, out string value)
    {
        name = value = "";
        Span<byte> small = stackalloc byte[512];
        var bytes = line.Length <= small.Length ? small[..(int)line.Length] : new byte[line.Length];
        line.CopyTo(bytes);
        var colon = bytes.IndexOf((byte)':');
        if (colon <= 0) return false;
        foreach (var b in bytes[..colon])
            if (!IsTokenByte(b)) return false;
        name = Encoding.ASCII.GetString(bytes[..colon]);
        // Latin-1 keeps non-ASCII bytes visible as such, so value checks reject them (§5.1).
        value = Encoding.Latin1.GetString(bytes[(colon + 1)..].Trim(" \t"u8));
        return true;
    }

    private static bool IsTokenByte(byte b) =>
        b < 0x80 && (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~');

    /// <summary>Reads up to and through the next delimiter, feeding the bytes to <paramref name="payload"/> or dropping them.</summary>
    private async ValueTask<bool> ReadBodyAsync(Payload? payload, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (FindDelimiter(buffer, out var before, out var after))
            {
                payload?.Append(buffer.Slice(buffer.Start, before));
                Consume(buffer, after);
                return true;
            }
            var keep = Math.Min(buffer.Length, _delimiter.Length - 1);
            var safe = buffer.Slice(0, buffer.Length - keep);
            payload?.Append(safe);
            if (result.IsCompleted)
            {
                Consume(buffer, buffer.End);
                return false;
            }
            Consume(buffer, safe.End, buffer.End);
            if (_consumed > _limits.MaxBodyBytes) return false;
        }
    }

    private bool FindDelimiter(ReadOnlySequence<byte> buffer, out SequencePosition before, out SequencePosition after)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> data, _delimiter, advancePastDelimiter: true))
        {
            before = data.End;
            after = reader.Position;
            return true;
        }
        before = after = default;
        return false;
    }

    private static bool StartsWith(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.IsNext(prefix);
    }

    private void ConsumeAllButTail(ReadOnlySequence<byte> buffer)
    {
        var keep = Math.Min(buffer.Length, _delimiter.Length - 1);
        Consume(buffer, buffer.GetPosition(buffer.Length - keep), buffer.End);
    }

    private void Consume(ReadOnlySequence<byte> buffer, SequencePosition consumed) => Consume(buffer, consumed, consumed);

    private void Consume(ReadOnlySequence<byte> buffer, SequencePosition consumed, SequencePosition examined)
    {
        _consumed += buffer.Slice(buffer.Start, consumed).Length;
        _body.AdvanceTo(consumed, examined);
    }

    /// <summary>An insert payload collected into one pooled buffer, growing by doubling up to the limit.</summary>
    private sealed class Payload(BatchRequestReader owner, int limit)
    {
        private byte[]? _buffer;
        private int _length;

        public bool Overflowed { get; private set; }

        public void Append(ReadOnlySequence<byte> data)
        {
            if (Overflowed || data.IsEmpty) return;
            if (_length + data.Length > limit)
            {
                // Over the limit: drop what was collected and ignore the rest of the part.
                Overflowed = true;
                if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
                return;
            }
            var needed = _length + (int)data.Length;
            if (_buffer is null || _buffer.Length < needed)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Min(limit, Math.Max(needed, Math.Max(4096, (_buffer?.Length ?? 0) * 2))));
                if (_buffer is not null)
                {
                    _buffer.AsSpan(0, _length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(_buffer);
                }
                _buffer = grown;
                owner.LargestPayloadBuffer = Math.Max(owner.LargestPayloadBuffer, grown.Length);
            }
            data.CopyTo(_buffer.AsSpan(_length));
            _length = needed;
        }

        public BatchOperation ToInsert(int index, string? key, ObjectMetadata metadata)
        {
            var operation = BatchOperation.ForInsert(index, key, metadata, _buffer, _length);
            _buffer = null;
            return operation;
        }
    }
}
