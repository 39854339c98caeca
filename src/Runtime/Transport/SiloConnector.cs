using System.Buffers;
using System.Net;

namespace ObjectStore.Runtime.Transport;

/// <summary>A response from a silo: status and a pooled body (return it with <see cref="Dispose"/>).</summary>
internal readonly struct SiloResponse(HttpStatusCode status, byte[] body, int length) : IDisposable
{
    public HttpStatusCode Status { get; } = status;

    public ReadOnlySpan<byte> Body => body.AsSpan(0, length);

    public ReadOnlyMemory<byte> BodyMemory => body.AsMemory(0, length);

    public void Dispose()
    {
        if (body.Length > 0) ArrayPool<byte>.Shared.Return(body);
    }
}

/// <summary>
/// Sends grain messages to silos: one HttpClient over SocketsHttpHandler, HTTP/2 with prior knowledge (h2c,
/// <see cref="HttpVersionPolicy.RequestVersionExact"/>), many streams per connection and extra connections when
/// the stream limit is reached; keep-alive pings notice a silent peer.
/// </summary>
internal sealed class SiloConnector : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _clusterKey;
    private readonly int _maxResponseBytes;

    public SiloConnector(string clusterKey, int maxResponseBytes)
    {
        _clusterKey = clusterKey;
        _maxResponseBytes = maxResponseBytes;
        _http = new HttpClient(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public async Task<SiloResponse> SendAsync(string endpoint, byte[] message, int length, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint + WireFormat.Path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(message, 0, length),
        };
        request.Headers.TryAddWithoutValidation(WireFormat.ClusterKeyHeader, _clusterKey);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var (buffer, read) = await PooledBody.ReadAsync(stream, response.Content.Headers.ContentLength ?? 0, _maxResponseBytes, cancellationToken).ConfigureAwait(false);
        return new SiloResponse(response.StatusCode, buffer, read);
    }

    public void Dispose() => _http.Dispose();
}
