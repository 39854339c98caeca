using System.Net;
using System.Net.Sockets;

namespace ObjectStore.Client.Tests.EndToEnd;

/// <summary>Retries and timeouts against real sockets: a server whose web gate answers 503, a port nobody listens on, a silent peer.</summary>
public sealed class ResilienceEndToEndTests
{
    [Fact]
    public async Task Idempotent_operations_are_retried_on_503_and_a_POST_is_sent_once()
    {
        // max_requests 0: the web gate rejects every /v1 request with 503 before any work.
        await using var gated = new ServerFixture(("HTTP__MAX_REQUESTS", "0"));
        await gated.InitializeAsync();
        var counter = new InterceptingHandler();
        using var client = TestClients.Through(gated.Options(o =>
        {
            o.MaxRetries = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        }), counter);
        var session = client.Session(new Usecase("u"), ("org", "1"));

        var get = await Assert.ThrowsAsync<ObjectStoreException>(() => session.GetAsync("k"));
        Assert.Equal(503, get.StatusCode);
        Assert.Equal(3, counter.Count);

        var post = await Assert.ThrowsAsync<ObjectStoreException>(() => session.PutAsync("x"u8.ToArray()));
        Assert.Equal(503, post.StatusCode);
        Assert.Equal(4, counter.Count);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_surfaces()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var counter = new InterceptingHandler();
        using var client = TestClients.Through(new ObjectStoreClientOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(10),
        }, counter);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.Session(new Usecase("u"), Scope.Empty).HeadAsync("k"));

        Assert.Equal(3, counter.Count);
    }

    [Fact]
    public async Task Connect_timeout()
    {
        // A listener whose accept queue is full and never drained: the kernel drops further SYNs, so a connect hangs
        // as it would against an unroutable address (which this machine's network rules keep us from dialling).
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var endpoint = (IPEndPoint)full.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    await filler.ConnectAsync(endpoint, quick.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            var counter = new InterceptingHandler();
            using var client = TestClients.Through(new ObjectStoreClientOptions
            {
                BaseAddress = new Uri($"http://127.0.0.1:{endpoint.Port}"),
                ConnectTimeout = TimeSpan.FromMilliseconds(300),
                MaxRetries = 1,
                RetryDelay = TimeSpan.FromMilliseconds(10),
            }, counter);
            var session = client.Session(new Usecase("u"), ("org", "12345"), ("project", "1337"));

            var started = DateTime.UtcNow;
            var error = await Assert.ThrowsAnyAsync<Exception>(() => session.GetAsync("foo"));
            Assert.IsType<TimeoutException>(error);
            Assert.Equal(2, counter.Count);
            Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
            await Assert.ThrowsAnyAsync<Exception>(() => session.PutAsync("test data"u8.ToArray()));
            Assert.Equal(3, counter.Count);
        }
        finally
        {
            foreach (var filler in fillers) filler.Dispose();
        }
    }

    [Fact]
    public async Task Read_timeout()
    {
        // Accepts connections and never answers, like the Python suite's silent socket.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(16);
        using var client = new ObjectStoreClient(new ObjectStoreClientOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}"),
            RequestTimeout = TimeSpan.FromMilliseconds(500),
            MaxRetries = 0,
        });

        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<TimeoutException>(() => client.Session(new Usecase("u"), ("org", "12345"), ("project", "1337")).GetAsync("foo"));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
    }
}
