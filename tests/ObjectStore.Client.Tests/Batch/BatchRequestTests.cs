using System.Net;
using System.Text;

namespace ObjectStore.Client.Tests.Batch;

/// <summary>How <see cref="ObjectStoreSession.ManyAsync"/> splits operations and parses answers, with a fake server.</summary>
public sealed class BatchRequestTests
{
    [Fact]
    public async Task Operations_are_split_into_requests_of_at_most_1000_and_results_come_back_in_the_servers_order()
    {
        var handler = new FakeHandler((request, _) => Answer(request, reverse: true));
        var session = handler.Client().Session(new Usecase("u"), ("org", "1"));
        var operations = Enumerable.Range(0, 2500).Select(i => BatchOperation.Delete($"k/{i}")).ToList();

        var results = new List<BatchResult>();
        await foreach (var result in session.ManyAsync(operations)) results.Add(result);

        Assert.Equal([1000, 1000, 500], handler.Requests.Select(r => PartCount(r)).Order().Reverse());
        Assert.All(handler.Requests, r => Assert.Equal("/v1/objects:batch/u/org=1/", r.Target));
        Assert.Equal(2500, results.Count);
        Assert.All(results, r => Assert.Same(operations[r.Index], r.Operation));
        Assert.All(results, r => Assert.Equal($"k/{r.Index}", r.Key));
        // Within one request the server's (here reversed) order is kept.
        var first = results.TakeWhile(r => r.Index >= results[0].Index - 999).Take(3).Select(r => r.Index).ToList();
        Assert.True(first[0] > first[1] && first[1] > first[2]);
    }

    [Fact]
    public async Task Parts_carry_kind_encoded_key_and_for_inserts_the_metadata_and_payload()
    {
        var handler = new FakeHandler((request, _) => Answer(request, reverse: false));
        var session = handler.Client().Session(new Usecase("u") { Compression = Compression.None }, Scope.Empty);

        await foreach (var _ in session.ManyAsync([
            BatchOperation.Get("a b/c"),
            BatchOperation.Insert("payload"u8.ToArray(), new PutOptions { Key = "k-1", ContentType = "text/plain", Expiration = ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(2)) }),
        ])) { }

        var body = Encoding.UTF8.GetString(Assert.Single(handler.Requests).Body);
        Assert.Contains("x-sn-batch-operation-kind: get\r\nx-sn-batch-operation-key: a%20b%2Fc", body);
        Assert.Contains("x-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: k%2D1", body);
        // HttpClient writes known header names in canonical case; the server matches names case-insensitively.
        Assert.Contains("content-disposition: form-data; name=\"part\"", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("content-type: text/plain", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x-sn-expiration: tti:2h", body);
        Assert.Contains("\r\n\r\npayload\r\n--", body);
    }

    [Fact]
    public async Task A_missing_answer_and_an_operation_error_are_results_not_exceptions()
    {
        var handler = new FakeHandler((_, _) => Multipart(
            Part(0, "500 Internal Server Error", body: """{"detail":"service error: boom"}""")));
        var session = handler.Client().Session(new Usecase("u"), Scope.Empty);

        var results = new List<BatchResult>();
        await foreach (var result in session.ManyAsync([BatchOperation.Head("a"), BatchOperation.Head("b")])) results.Add(result);

        var failed = results.Single(r => r.Index == 0);
        Assert.Equal(500, failed.StatusCode);
        Assert.Contains("boom", failed.Error!.Message);
        var missing = results.Single(r => r.Index == 1);
        Assert.IsType<InvalidDataException>(missing.Error);
    }

    private static int PartCount(RecordedRequest request) =>
        Encoding.UTF8.GetString(request.Body).Split("x-sn-batch-operation-kind").Length - 1;

    /// <summary>Answers each delete part with 204 and its key, in request order or reversed.</summary>
    private static HttpResponseMessage Answer(RecordedRequest request, bool reverse)
    {
        var body = Encoding.UTF8.GetString(request.Body);
        var keys = body.Split("x-sn-batch-operation-key: ").Skip(1).Select(s => s[..s.IndexOf('\r')]).ToList();
        var parts = keys.Select((key, i) => Part(i, "204 No Content", key)).ToList();
        if (reverse) parts.Reverse();
        return Multipart([.. parts]);
    }

    private static string Part(int index, string status, string? key = null, string body = "") =>
        "content-disposition: form-data; name=part\r\n"
        + $"x-sn-batch-operation-index: {index}\r\nx-sn-batch-operation-status: {status}\r\n"
        + (key is null ? "" : $"x-sn-batch-operation-kind: delete\r\nx-sn-batch-operation-key: {key}\r\n")
        + "\r\n" + body;

    private static HttpResponseMessage Multipart(params string[] parts)
    {
        const string boundary = "os-boundary-0123456789abcdef0123456789abcdef";
        var text = string.Concat(parts.Select(p => $"--{boundary}\r\n{p}\r\n")) + $"--{boundary}--";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.TryAddWithoutValidation("content-type", $"multipart/form-data; boundary=\"{boundary}\"");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}
