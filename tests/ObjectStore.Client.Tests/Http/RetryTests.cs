using System.Net;

namespace ObjectStore.Client.Tests.Http;

/// <summary>Which operations are retried: idempotent ones on 429/503/connection errors, never a POST with a generated key.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_get_is_retried_after_503_and_429_then_succeeds()
    {
        var handler = new FakeHandler((_, attempt) => attempt switch
        {
            1 => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            2 => new HttpResponseMessage(HttpStatusCode.TooManyRequests),
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent("ok"u8.ToArray()) },
        });
        var session = handler.Client(key: new TestKey()).Session(new Usecase("u"), Scope.Empty);

        await using var result = await session.GetAsync("k");

        Assert.Equal("ok"u8.ToArray(), await result!.ReadAllBytesAsync());
        Assert.Equal(3, handler.Requests.Count);
        // Every attempt is a new request with its own freshly minted token.
        Assert.All(handler.Requests, r => Assert.StartsWith("Bearer ", r.Header("x-os-auth")));
    }

    [Fact]
    public async Task A_keyed_put_from_memory_is_retried_with_the_whole_body_again()
    {
        var handler = new FakeHandler((_, attempt) => attempt == 1
            ? throw new HttpRequestException("connection reset")
            : FakeHandler.Json(HttpStatusCode.OK, """{"key":"k"}"""));
        var session = handler.Client().Session(new Usecase("u") { Compression = Compression.None }, Scope.Empty);

        await session.PutAsync("payload"u8.ToArray(), new PutOptions { Key = "k" });

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("payload"u8.ToArray(), r.Body));
    }

    [Fact]
    public async Task A_keyed_put_from_a_seekable_stream_is_retried_from_where_the_stream_started()
    {
        var handler = new FakeHandler((_, attempt) => attempt == 1
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            : FakeHandler.Json(HttpStatusCode.OK, """{"key":"k"}"""));
        var session = handler.Client().Session(new Usecase("u") { Compression = Compression.None }, Scope.Empty);
        var stream = new MemoryStream("skip-payload"u8.ToArray()) { Position = 5 };

        await session.PutAsync(stream, new PutOptions { Key = "k" });

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("payload"u8.ToArray(), r.Body));
    }

    [Fact]
    public async Task A_put_with_a_generated_key_is_not_retried()
    {
        var handler = new FakeHandler((_, _) => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => session.PutAsync("payload"u8.ToArray()));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_put_from_a_stream_that_cannot_rewind_is_not_retried()
    {
        var handler = new FakeHandler((_, _) => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        await Assert.ThrowsAsync<ObjectStoreException>(() => session.PutAsync(new ForwardOnlyStream("payload"u8.ToArray()), new PutOptions { Key = "k" }));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Retries_stop_after_MaxRetries()
    {
        var handler = new FakeHandler((_, _) => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var session = handler.Client(o => o.MaxRetries = 2).Session(new Usecase("u"), Scope.Empty);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => session.HeadAsync("k"));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        var handler = new FakeHandler((_, _) => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        await Assert.ThrowsAsync<ObjectStoreException>(() => session.DeleteAsync("k"));

        Assert.Single(handler.Requests);
    }
}

/// <summary>A stream that can only be read forward, like a network or pipe stream.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;
}
