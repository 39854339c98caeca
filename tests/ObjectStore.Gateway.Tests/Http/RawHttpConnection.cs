using System.Net.Sockets;
using System.Text;

namespace ObjectStore.Gateway.Tests.Http;

/// <summary>One HTTP/1.1 response as it arrived on the wire.</summary>
internal sealed record RawResponse(int Status, string Head, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).LastOrDefault();
}

/// <summary>A raw TCP client speaking HTTP/1.1 by hand, so header name casing is seen exactly as sent.</summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttpConnection(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    public async Task<RawResponse> ReadResponseAsync(bool headRequest = false)
    {
        var head = await ReadHeadAsync();
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3));
        var headers = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            headers.Add((line[..colon], line[(colon + 1)..].Trim()));
        }
        var response = new RawResponse(status, head, headers, []);
        if (headRequest || status is 204 or 304 or (>= 100 and < 200)) return response;
        if (string.Equals(response.Header("transfer-encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
            return response with { Body = await ReadChunkedAsync() };
        var length = long.Parse(response.Header("content-length") ?? "0");
        return response with { Body = await ReadExactAsync(length) };
    }

    private async Task<string> ReadHeadAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var end = span.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.Latin1.GetString(span[..end]);
                _start += end + 4;
                return head;
            }
            await FillAsync();
        }
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var end = span.IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = Encoding.Latin1.GetString(span[..end]);
                _start += end + 2;
                return line;
            }
            await FillAsync();
        }
    }

    private async Task<byte[]> ReadChunkedAsync()
    {
        using var body = new MemoryStream();
        while (true)
        {
            var size = Convert.ToInt64((await ReadLineAsync()).Split(';')[0], 16);
            if (size == 0)
            {
                while ((await ReadLineAsync()).Length > 0) { }
                return body.ToArray();
            }
            body.Write(await ReadExactAsync(size));
            Assert.Equal("", await ReadLineAsync());
        }
    }

    private async Task<byte[]> ReadExactAsync(long length)
    {
        var result = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            if (_start == _end) await FillAsync();
            var take = (int)Math.Min(length - filled, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(filled));
            _start += take;
            filled += take;
        }
        return result;
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new InvalidOperationException("response head larger than the test buffer");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        if (read == 0) throw new EndOfStreamException("connection closed by the server");
        _end += read;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
