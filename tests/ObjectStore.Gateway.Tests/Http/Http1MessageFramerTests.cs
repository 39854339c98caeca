using System.Text;
using ObjectStore.Gateway.Http.Lowercase;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class Http1MessageFramerTests
{
    private const string Responses =
        "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: Text/Plain\r\n\r\nX-Body: A\r\n\r\n" +
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Custom: V\r\n\r\n5;ext=1\r\nAB\r\nC\r\n3\r\nD:E\r\n0\r\nTrailer-Name: T\r\n\r\n" +
        "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n" +
        "HTTP/1.1 100 Continue\r\n\r\n" +
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n" +
        "HTTP/1.1 200 OK\r\nServer: Kestrel\r\n\r\n";

    private const string Expected =
        "HTTP/1.1 200 OK\r\ncontent-length: 13\r\ncontent-type: Text/Plain\r\n\r\nX-Body: A\r\n\r\n" +
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-custom: V\r\n\r\n5;ext=1\r\nAB\r\nC\r\n3\r\nD:E\r\n0\r\ntrailer-name: T\r\n\r\n" +
        "HTTP/1.1 204 No Content\r\ncontent-length: 99\r\n\r\n" +
        "HTTP/1.1 100 Continue\r\n\r\n" +
        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n" +
        "HTTP/1.1 200 OK\r\nserver: Kestrel\r\n\r\n";

    private static string Rewrite(string text, int pieceSize, RequestMethodQueue? methods = null)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var framer = new Http1MessageFramer(isResponse: true, methods ?? new RequestMethodQueue());
        for (var offset = 0; offset < bytes.Length; offset += pieceSize)
            framer.Process(bytes.AsSpan(offset, Math.Min(pieceSize, bytes.Length - offset)));
        return Encoding.ASCII.GetString(bytes);
    }

    [Fact]
    public void Names_are_lowercased_and_bodies_untouched_whole()
    {
        Assert.Equal(Expected, Rewrite(Responses, int.MaxValue / 2));
    }

    [Fact]
    public void Any_split_of_the_stream_gives_the_same_bytes()
    {
        foreach (var size in new[] { 1, 2, 3, 5, 7, 13, 64 })
            Assert.Equal(Expected, Rewrite(Responses, size));
    }

    [Fact]
    public void A_head_response_has_no_body_even_with_a_length()
    {
        var methods = new RequestMethodQueue();
        methods.Enqueue(isHead: true);
        methods.Enqueue(isHead: false);
        var text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nAB";

        Assert.Equal("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nAB", Rewrite(text, 3, methods));
    }

    [Fact]
    public void A_non_http1_stream_is_left_alone()
    {
        var text = "\0\0\u0012\u0004\0\0\0\0\0Content-Type: X\r\n\r\n";
        Assert.Equal(text, Rewrite(text, 4));
    }

    [Fact]
    public void A_body_delimited_by_close_is_never_rewritten()
    {
        var text = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: X\r\n\r\n";
        Assert.Equal("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: X\r\n\r\n", Rewrite(text, 8));
    }

    [Fact]
    public void The_request_side_records_head_methods_in_order_and_skips_bodies()
    {
        var methods = new RequestMethodQueue();
        var framer = new Http1MessageFramer(isResponse: false, methods);
        var text = "POST /a HTTP/1.1\r\nContent-Length: 22\r\n\r\nHEAD /x HTTP/1.1\r\n\r\n\r\n" +
                   "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n" +
                   "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nHEAD\r\n0\r\n\r\n" +
                   "GET /d HTTP/1.1\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(text);
        foreach (var b in bytes) framer.Process(new[] { b });

        var seen = new List<bool>();
        while (methods.TryDequeue(out var isHead)) seen.Add(isHead);
        Assert.Equal(new[] { false, true, false, false }, seen);
        Assert.Equal(text, Encoding.ASCII.GetString(bytes));
    }
}
