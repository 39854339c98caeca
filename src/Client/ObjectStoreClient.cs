using ObjectStore.Client.Auth;
using ObjectStore.Client.Hosting;
using ObjectStore.Client.Http;

namespace ObjectStore.Client;

/// <summary>
/// The entry point: a connection to one objectstore server. Open a <see cref="ObjectStoreSession"/> per usecase and
/// scope and call operations on it. Register with <c>services.AddObjectStoreClient(...)</c>, or construct one directly.
/// </summary>
public sealed class ObjectStoreClient : IDisposable
{
    private readonly HttpClient? _ownedHttp;

    /// <summary>A client with its own HttpClient (outside dependency injection); dispose it when done.</summary>
    public ObjectStoreClient(ObjectStoreClientOptions options)
    {
        ObjectStoreClientOptionsValidator.ThrowIfInvalid(options);
        _ownedHttp = CreateHttpClient(options);
        Transport = new Transport(_ownedHttp, options, CreateMinter(options, TimeProvider.System));
    }

    internal ObjectStoreClient(Transport transport) => Transport = transport;

    internal Transport Transport { get; }

    /// <summary>A session for one usecase and scope.</summary>
    public ObjectStoreSession Session(Usecase usecase, Scope scope) => new(Transport, usecase, scope);

    /// <summary>A session for one usecase and scope components in order, e.g. <c>("org", "42"), ("project", "1337")</c>.</summary>
    public ObjectStoreSession Session(Usecase usecase, params (string Name, string Value)[] scope) =>
        new(Transport, usecase, Scope.Create(scope));

    /// <inheritdoc />
    public void Dispose() => _ownedHttp?.Dispose();

    /// <summary>The primary handler every client uses: no automatic decompression (we own zstd), the connect timeout.</summary>
    internal static SocketsHttpHandler CreateHandler(ObjectStoreClientOptions options) => new()
    {
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = options.ConnectTimeout,
        // Picks up DNS changes of long-lived clients.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    internal static void Configure(HttpClient http)
    {
        // Timeouts are per attempt in the resilience pipeline; a whole-request timeout would cut long streams.
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestVersion = System.Net.HttpVersion.Version11;
        http.DefaultRequestHeaders.UserAgent.ParseAdd("objectstore-client-dotnet/0.1.0");
    }

    internal static TokenMinter? CreateMinter(ObjectStoreClientOptions options, TimeProvider time) =>
        options.SigningKey is { } key ? new TokenMinter(key, Ed25519Key.Parse(key.PrivateKeyPem), time) : null;

    private static HttpClient CreateHttpClient(ObjectStoreClientOptions options)
    {
        var http = new HttpClient(CreateHandler(options), disposeHandler: true);
        Configure(http);
        return http;
    }
}
