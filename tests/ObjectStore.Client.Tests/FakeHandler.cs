using System.Net;
using ObjectStore.Client.Auth;
using ObjectStore.Client.Http;

namespace ObjectStore.Client.Tests;

/// <summary>
/// An HttpMessageHandler that records every request (with its body read out) and answers from a script, so tests can
/// check what goes on the wire without a server.
/// </summary>
internal sealed class FakeHandler(Func<RecordedRequest, int, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var recorded = new RecordedRequest(request, body);
        int attempt;
        lock (Requests)
        {
            Requests.Add(recorded);
            attempt = Requests.Count;
        }
        return answer(recorded, attempt);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    /// <summary>A client of <c>http://objectstore.test</c> over this handler, minting tokens with <paramref name="key"/> when given.</summary>
    public ObjectStoreClient Client(Action<ObjectStoreClientOptions>? configure = null, TestKey? key = null, TimeProvider? time = null)
    {
        var options = new ObjectStoreClientOptions { BaseAddress = new Uri("http://objectstore.test"), RetryDelay = TimeSpan.FromMilliseconds(1) };
        if (key is not null) options.SigningKey = new ObjectStoreSigningKey { KeyId = "test_kid", PrivateKeyPem = key.PrivateKeyPem };
        configure?.Invoke(options);
        ObjectStore.Client.Hosting.ObjectStoreClientOptionsValidator.ThrowIfInvalid(options);
        var http = new HttpClient(this);
        ObjectStoreClient.Configure(http);
        var minter = options.SigningKey is { } signing ? new TokenMinter(signing, Ed25519Key.Parse(signing.PrivateKeyPem), time ?? TimeProvider.System) : null;
        return new ObjectStoreClient(new Transport(http, options, minter, time));
    }
}

/// <summary>A request as sent: the message (headers, URI) and its body bytes.</summary>
internal sealed record RecordedRequest(HttpRequestMessage Message, byte[] Body)
{
    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : Message.Content?.Headers.TryGetValues(name, out var contentValues) == true ? string.Join(",", contentValues!)
        : null;

    /// <summary>The path and query exactly as they go on the wire.</summary>
    public string Target => Message.RequestUri!.PathAndQuery;
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Clients of a real server whose requests pass through a test handler (to count or fail them).</summary>
internal static class TestClients
{
    public static ObjectStoreClient Through(ObjectStoreClientOptions options, DelegatingHandler handler)
    {
        ObjectStore.Client.Hosting.ObjectStoreClientOptionsValidator.ThrowIfInvalid(options);
        handler.InnerHandler = ObjectStoreClient.CreateHandler(options);
        var http = new HttpClient(handler);
        ObjectStoreClient.Configure(http);
        return new ObjectStoreClient(new Transport(http, options, ObjectStoreClient.CreateMinter(options, TimeProvider.System)));
    }
}

/// <summary>Counts requests and can replace the answer to chosen ones (fault injection on the client side).</summary>
internal sealed class InterceptingHandler(Func<HttpRequestMessage, HttpResponseMessage?>? intercept = null) : DelegatingHandler
{
    private int _count;

    public int Count => _count;

    public List<string> Targets { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        lock (Targets) Targets.Add(request.Method + " " + request.RequestUri!.PathAndQuery);
        return intercept?.Invoke(request) is { } answer ? Task.FromResult(answer) : base.SendAsync(request, cancellationToken);
    }
}
