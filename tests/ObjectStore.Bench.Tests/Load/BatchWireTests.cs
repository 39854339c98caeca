using System.Net.Http.Headers;
using System.Text;
using ObjectStore.Bench.Load;
using ObjectStore.Bench.Load.Targets;

namespace ObjectStore.Bench.Tests.Load;

public sealed class BatchWireTests
{
    [Fact]
    public async Task Batch_request_body_is_the_multipart_layout_of_section_7()
    {
        var items = new[] { new ObjectToWrite(0, 5, 0x1234), new ObjectToWrite(0, 2, 0xABCDEF) };
        var keys = items.Select(i => ObjectStoreTarget.BatchKey(i.Seed)).ToList();
        using var content = new BatchRequestContent("bnd", items.Select((i, n) => BatchPart.Insert(i, keys[n])).ToList(), "ttl:1 days 30 seconds");

        var body = await content.ReadAsByteArrayAsync();

        var expected = new MemoryStream();
        foreach (var (item, key) in items.Zip(keys))
        {
            expected.Write(Encoding.ASCII.GetBytes(
                "--bnd\r\n" +
                "content-disposition: form-data; name=\"part\"\r\n" +
                "x-sn-batch-operation-kind: insert\r\n" +
                $"x-sn-batch-operation-key: {key}\r\n" +
                "content-type: application/octet-stream\r\n" +
                "x-sn-expiration: ttl:1 days 30 seconds\r\n" +
                "\r\n"));
            var payload = new byte[item.Size];
            Payload.Fill(item.Seed, 0, payload);
            expected.Write(payload);
            expected.Write("\r\n"u8);
        }
        expected.Write("--bnd--\r\n"u8);
        Assert.Equal(Encoding.Latin1.GetString(expected.ToArray()), Encoding.Latin1.GetString(body));
        Assert.Equal(body.Length, content.Headers.ContentLength);
        Assert.Equal("multipart/form-data; boundary=bnd", content.Headers.ContentType!.ToString());
        Assert.Equal("b0000000000001234", keys[0]);
    }

    [Fact]
    public async Task Batch_delete_parts_carry_only_kind_and_key()
    {
        using var content = new BatchRequestContent("b", [BatchPart.Remove("3f2a-9c")], "ttl:5 seconds");

        Assert.Equal(
            "--b\r\ncontent-disposition: form-data; name=\"part\"\r\nx-sn-batch-operation-kind: delete\r\nx-sn-batch-operation-key: 3f2a%2D9c\r\n\r\n\r\n--b--\r\n",
            await content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("test/0", "test%2F0")]
    [InlineData("key-1", "key%2D1")]
    [InlineData("é", "%C3%A9")]
    [InlineData("abcXYZ019", "abcXYZ019")]
    public void Batch_keys_are_percent_encoded_outside_alphanumerics(string key, string encoded) =>
        Assert.Equal(encoded, BatchRequestContent.PercentEncode(key));

    [Fact]
    public void A_canned_batch_response_parses_into_per_part_statuses()
    {
        const string boundary = "os-boundary-0123456789abcdef0123456789abcdef";
        var body =
            $"--{boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 1\r\nx-sn-batch-operation-status: 201 Created\r\n" +
            "x-sn-batch-operation-kind: insert\r\nx-sn-batch-operation-key: b1\r\n\r\n\r\n" +
            $"--{boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 0\r\nx-sn-batch-operation-status: 500 Internal Server Error\r\n" +
            "content-type: application/json\r\n\r\n{\"detail\":\"boom\",\"causes\":[]}\r\n" +
            $"--{boundary}\r\ncontent-disposition: form-data; name=part\r\nx-sn-batch-operation-index: 3\r\nx-sn-batch-operation-status: 201 Created\r\n\r\n\r\n" +
            $"--{boundary}--";
        var contentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary=\"{boundary}\"");

        var statuses = BatchResponse.Parse(Encoding.ASCII.GetBytes(body), BatchResponse.Boundary(contentType));

        Assert.Equal([(1, 201), (0, 500), (3, 201)], statuses.Select(s => (s.Index, s.Status)));
        Assert.Contains("boom", statuses[1].Error);

        var items = Enumerable.Range(0, 4).Select(i => new StoredObject(7, $"k{i}", 10 + i, (ulong)i)).ToList();
        var outcome = ObjectStoreTarget.Outcome(items, statuses);
        Assert.Equal([1UL, 3UL], outcome.Succeeded.Select(w => w.Seed));
        Assert.Equal(2, outcome.Failures);  // the 500 and the index that never came back
        Assert.Contains("boom", outcome.FirstError);
    }

    [Fact]
    public void An_empty_batch_response_has_no_parts_and_a_truncated_one_is_an_error()
    {
        Assert.Empty(BatchResponse.Parse("--b--"u8, "b"));
        Assert.Throws<FormatException>(() => BatchResponse.Parse("--b\r\nx-sn-batch-operation-index: 0\r\n\r\nhalf"u8, "b"));
        Assert.Throws<FormatException>(() => BatchResponse.Boundary(MediaTypeHeaderValue.Parse("application/json")));
    }

    [Theory]
    [InlineData(3600, "ttl:3600 seconds")]
    [InlineData(86_430, "ttl:1 days 30 seconds")]
    [InlineData(172_800, "ttl:2 days")]
    [InlineData(0, "ttl:0 seconds")]
    public void Expiration_header_is_written_as_the_python_client_does(int seconds, string header) =>
        Assert.Equal(header, Expiration.Header(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void No_ttl_is_manual_expiration() => Assert.Equal("manual", Expiration.Header(null));
}
