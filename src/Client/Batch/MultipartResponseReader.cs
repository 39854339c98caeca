using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace ObjectStore.Client.Batch;

/// <summary>One part of a <c>multipart/form-data</c> response: its header lines and its body.</summary>
internal sealed record MultipartSection(List<KeyValuePair<string, IEnumerable<string>>> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}

/// <summary>
/// Reads the batch endpoint's response (api doc §7.4) part by part as it streams in, so results surface in the order the
/// server completes them: <c>--boundary CRLF headers CRLF CRLF body CRLF</c> per part, then <c>--boundary--</c>.
/// </summary>
internal sealed class MultipartResponseReader(Stream stream, string boundary) : IAsyncDisposable
{
    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    private readonly byte[] _opening = Encoding.ASCII.GetBytes("--" + boundary);
    private readonly byte[] _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
    private bool _started;
    private bool _done;

    /// <summary>The next part, or null after the closing delimiter.</summary>
    public async ValueTask<MultipartSection?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (_done) return null;
        if (!_started)
        {
            _started = true;
            await ReadUntilAsync(_opening, keep: false, cancellationToken).ConfigureAwait(false);
        }
        var marker = await ReadExactAsync(2, cancellationToken).ConfigureAwait(false);
        if (marker[0] == '-' && marker[1] == '-')
        {
            _done = true;
            return null;
        }
        if (marker[0] != '\r' || marker[1] != '\n') throw new InvalidDataException("malformed batch response: no line break after a boundary");
        var headerBytes = await ReadUntilAsync("\r\n\r\n"u8.ToArray(), keep: true, cancellationToken).ConfigureAwait(false);
        var headers = new List<KeyValuePair<string, IEnumerable<string>>>();
        foreach (var line in Encoding.UTF8.GetString(headerBytes!).Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            headers.Add(new(line[..colon].Trim().ToLowerInvariant(), [line[(colon + 1)..].Trim()]));
        }
        var body = await ReadUntilAsync(_delimiter, keep: true, cancellationToken).ConfigureAwait(false);
        return new MultipartSection(headers, body!);
    }

    /// <summary>Consumes through <paramref name="delimiter"/>; returns what came before it when <paramref name="keep"/>.</summary>
    private async ValueTask<byte[]?> ReadUntilAsync(byte[] delimiter, bool keep, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var sequence = new SequenceReader<byte>(buffer);
            if (sequence.TryReadTo(out ReadOnlySequence<byte> before, delimiter, advancePastDelimiter: true))
            {
                var bytes = keep ? before.ToArray() : null;
                _reader.AdvanceTo(sequence.Position);
                return bytes;
            }
            if (result.IsCompleted) throw new InvalidDataException("the batch response ended in the middle of a part");
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async ValueTask<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                _reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }
            if (result.IsCompleted) throw new InvalidDataException("the batch response ended after a boundary");
            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    public ValueTask DisposeAsync() => _reader.CompleteAsync();
}
