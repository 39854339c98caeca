using System.Net;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>The HTTP client of every HTTP target: HTTP/1.1 only, keep-alive, one connection per operation in flight, no decompression.</summary>
internal static class HttpClients
{
    /// <summary>A client allowing <paramref name="concurrency"/> connections per server.</summary>
    public static HttpClient Create(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(1, concurrency),
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>A request of HTTP/1.1 exactly.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string uri, HttpContent? content = null) => new(method, uri)
    {
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Content = content,
    };

    /// <summary>Throws <see cref="LoadHttpException"/> unless the status is <paramref name="expected"/> (or any 2xx when null), with a snippet of the body.</summary>
    public static async Task EnsureAsync(HttpResponseMessage response, string what, HttpStatusCode? expected, CancellationToken ct)
    {
        var ok = expected is { } status ? response.StatusCode == status : response.IsSuccessStatusCode;
        if (ok) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Length > 300) body = body[..300] + "…";
        throw new LoadHttpException($"{what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}");
    }
}

/// <summary>An HTTP target answered with an unexpected status.</summary>
public sealed class LoadHttpException(string message) : Exception(message);
