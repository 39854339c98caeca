using System.Text.Json;
using ObjectStore.Gateway.Tests.Http;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary>Resumable uploads on the wire (docs/api.md, "Resumable uploads"): every status branch, small and large sessions.</summary>
public abstract class ResumableConformance
{
    private readonly ConformanceServer _server;
    private readonly string _collection = $"/v1/objects/conformance/org=1;project={Guid.NewGuid():N}/";

    private protected ResumableConformance(ConformanceServer server) => _server = server;

    private string PathOf(string key) => _collection + key;

    private static byte[] Payload(long length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)(i * 31 + i / 251);
        return bytes;
    }

    private async Task<string> CreateAsync(string key, long length, params (string, string)[] headers)
    {
        var response = await _server.SendAsync("PUT", PathOf(key) + "?upload_type=resumable", [], [("upload-length", length.ToString()), .. headers]);
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(key, json.RootElement.GetProperty("key").GetString());
        return json.RootElement.GetProperty("session").GetString()!;
    }

    private Task<RawResponse> ChunkAsync(string key, string session, long offset, ReadOnlyMemory<byte> bytes) =>
        _server.SendAsync("PUT", PathOf(key) + "?session=" + session, bytes.ToArray(), [("upload-offset", offset.ToString())]);

    private Task<RawResponse> QueryAsync(string key, string session) =>
        _server.SendAsync("PUT", PathOf(key) + "?session=" + session, [], [("upload-offset", "*")]);

    /// <summary>Sends <paramref name="payload"/> from <paramref name="from"/> in chunks; asserts 204 + offset for each but the last, 201 for the last.</summary>
    private async Task SendAllAsync(string key, string session, byte[] payload, int chunk, long from = 0)
    {
        for (var offset = from; offset < payload.Length; offset += chunk)
        {
            var size = (int)Math.Min(chunk, payload.Length - offset);
            var response = await ChunkAsync(key, session, offset, payload.AsMemory((int)offset, size));
            if (offset + size < payload.Length)
            {
                Assert.Equal(204, response.Status);
                Assert.Equal((offset + size).ToString(), response.Header("upload-offset"));
            }
            else
            {
                Assert.Equal(201, response.Status);
                using var json = JsonDocument.Parse(response.Body);
                Assert.Equal(key, json.RootElement.GetProperty("key").GetString());
            }
        }
    }

    private async Task AssertStoredAsync(string key, byte[] payload)
    {
        var get = await _server.SendAsync("GET", PathOf(key));
        Assert.Equal(200, get.Status);
        Assert.Equal(payload.Length, get.Body.Length);
        Assert.True(payload.AsSpan().SequenceEqual(get.Body), "stored bytes differ from the uploaded ones");
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(100_000, 4096)]
    [InlineData(1024 * 1024, 300_000)]
    [InlineData(3 * 1024 * 1024 + 7, 1024 * 1024)]
    [InlineData(11 * 1024 * 1024, 5 * 1024 * 1024)]
    [InlineData(64 * 1024 * 1024 + 5, 64 * 1024 * 1024)]
    public async Task Chunks_assemble_into_the_object_with_the_metadata_fixed_at_create(int length, int chunk)
    {
        var key = $"sized-{length}-{chunk}";
        var payload = Payload(length);
        var session = await CreateAsync(key, length, ("content-type", "text/plain"), ("x-snme-build", "7"));
        await SendAllAsync(key, session, payload, chunk);
        await AssertStoredAsync(key, payload);
        var head = await _server.SendAsync("HEAD", PathOf(key));
        Assert.Equal("text/plain", head.Header("content-type"));
        Assert.Equal("7", head.Header("x-snme-build"));
        Assert.Equal(length.ToString(), head.Header("x-sn-size"));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(2 * 1024 * 1024)]
    public async Task An_existing_object_is_unchanged_until_the_last_chunk_commits(int length)
    {
        var key = $"existing-{length}";
        Assert.Equal(200, (await _server.SendAsync("PUT", PathOf(key), "original"u8.ToArray(), [("x-snme-build", "1")])).Status);
        var payload = Payload(length);
        var session = await CreateAsync(key, length, ("x-snme-build", "2"));
        Assert.Equal(204, (await ChunkAsync(key, session, 0, payload.AsMemory(0, length / 2))).Status);
        Assert.Equal(204, (await QueryAsync(key, session)).Status);
        var before = await _server.SendAsync("GET", PathOf(key));
        Assert.Equal("original", Wire.Text(before));
        Assert.Equal("1", before.Header("x-snme-build"));
        await SendAllAsync(key, session, payload, length, from: length / 2);
        await AssertStoredAsync(key, payload);
        Assert.Equal("2", (await _server.SendAsync("HEAD", PathOf(key))).Header("x-snme-build"));
    }

    [Theory]
    [InlineData(30, 10)]
    [InlineData(3 * 1024 * 1024, 1024 * 1024)]
    public async Task Out_of_order_and_repeated_chunks_answer_409_with_the_held_offset_and_the_upload_recovers(int length, int chunk)
    {
        var key = $"mismatch-{length}";
        var payload = Payload(length);
        var session = await CreateAsync(key, length);
        var ahead = await ChunkAsync(key, session, chunk, payload.AsMemory(chunk, chunk));
        Assert.Equal(409, ahead.Status);
        Assert.Equal("0", ahead.Header("upload-offset"));
        Assert.Equal("service error: upload offset mismatch", Wire.Detail(ahead));
        Assert.Equal(204, (await ChunkAsync(key, session, 0, payload.AsMemory(0, chunk))).Status);
        var repeated = await ChunkAsync(key, session, 0, payload.AsMemory(0, chunk));
        Assert.Equal(409, repeated.Status);
        Assert.Equal(chunk.ToString(), repeated.Header("upload-offset"));
        var query = await QueryAsync(key, session);
        Assert.Equal(204, query.Status);
        Assert.Equal(chunk.ToString(), query.Header("upload-offset"));
        await SendAllAsync(key, session, payload, chunk, from: long.Parse(query.Header("upload-offset")!));
        await AssertStoredAsync(key, payload);
    }

    [Fact]
    public async Task A_chunk_past_the_declared_length_is_400_and_changes_nothing()
    {
        var session = await CreateAsync("past", 10);
        var past = await ChunkAsync("past", session, 0, Payload(11));
        Assert.Equal(400, past.Status);
        Assert.Contains("past the declared length", Wire.Text(past));
        var query = await QueryAsync("past", session);
        Assert.Equal("0", query.Header("upload-offset"));
        Assert.Equal(404, (await _server.SendAsync("GET", PathOf("past"))).Status);
    }

    [Fact]
    public async Task An_unknown_session_or_one_used_on_another_key_is_400()
    {
        var unknown = await ChunkAsync("unknown", "dG9rZW4", 0, Payload(3));
        Assert.Equal(400, unknown.Status);
        Assert.Equal("service error: unknown upload session", Wire.Detail(unknown));
        var session = await CreateAsync("owner", 3);
        var elsewhere = await ChunkAsync("other", session, 0, Payload(3));
        Assert.Equal(400, elsewhere.Status);
        Assert.Equal("service error: unknown upload session", Wire.Detail(elsewhere));
        Assert.Equal(400, (await _server.SendAsync("DELETE", PathOf("other") + "?session=" + session)).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", PathOf("other"))).Status);
        Assert.Equal(404, (await _server.SendAsync("GET", PathOf("owner"))).Status);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(2 * 1024 * 1024)]
    public async Task A_cancelled_session_answers_410_and_never_touches_the_object(int length)
    {
        var key = $"cancel-{length}";
        Assert.Equal(200, (await _server.SendAsync("PUT", PathOf(key), "original"u8.ToArray())).Status);
        var payload = Payload(length);
        var session = await CreateAsync(key, length);
        Assert.Equal(204, (await ChunkAsync(key, session, 0, payload.AsMemory(0, length / 2))).Status);
        Assert.Equal(204, (await _server.SendAsync("DELETE", PathOf(key) + "?session=" + session)).Status);
        Assert.Equal(204, (await _server.SendAsync("DELETE", PathOf(key) + "?session=" + session)).Status);
        var chunk = await ChunkAsync(key, session, length / 2, payload.AsMemory(length / 2));
        Assert.Equal(410, chunk.Status);
        Assert.Equal(410, (await QueryAsync(key, session)).Status);
        Assert.Equal("original", Wire.Text(await _server.SendAsync("GET", PathOf(key))));
    }

    [Fact]
    public async Task An_offset_query_commits_an_empty_upload_and_a_committed_session_keeps_answering_201()
    {
        var session = await CreateAsync("empty", 0);
        var query = await QueryAsync("empty", session);
        Assert.Equal(201, query.Status);
        await AssertStoredAsync("empty", []);
        Assert.Equal(201, (await QueryAsync("empty", session)).Status);
        var cancel = await _server.SendAsync("DELETE", PathOf("empty") + "?session=" + session);
        Assert.Equal(410, cancel.Status);
        Assert.Equal(200, (await _server.SendAsync("GET", PathOf("empty"))).Status);
    }

    [Fact]
    public async Task A_POST_create_generates_the_key_the_chunks_then_address()
    {
        var created = await _server.SendAsync("POST", _collection + "?upload_type=resumable", [], [("upload-length", "4")]);
        Assert.Equal(200, created.Status);
        using var json = JsonDocument.Parse(created.Body);
        var key = json.RootElement.GetProperty("key").GetString()!;
        await SendAllAsync(key, json.RootElement.GetProperty("session").GetString()!, "data"u8.ToArray(), 4);
        Assert.Equal("data", Wire.Text(await _server.SendAsync("GET", PathOf(key))));
    }
}

/// <summary>Against the embedded default (SQLite + files).</summary>
public sealed class ResumableConformanceTests(SharedServerFixture fixture) : ResumableConformance(fixture.Server), IClassFixture<SharedServerFixture>;

/// <summary>Against a three-silo cluster (PostgreSQL + S3): consecutive requests of one session land on different silos.</summary>
public sealed class ClusterResumableConformanceTests(ClusterServerFixture fixture) : ResumableConformance(fixture.Server), IClassFixture<ClusterServerFixture>;

/// <summary>A session survives a restart of the embedded server on the same data directory.</summary>
public sealed class ResumableRestartConformanceTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(3 * 1024 * 1024)]
    public async Task A_session_resumes_after_the_server_restarts(int length)
    {
        await using var server = await ConformanceServer.StartAsync();
        var path = $"/v1/objects/conformance/org=1/restart-{length}";
        var payload = new byte[length];
        Random.Shared.NextBytes(payload);
        var created = await server.SendAsync("PUT", path + "?upload_type=resumable", [], [("upload-length", length.ToString())]);
        Assert.Equal(200, created.Status);
        using var json = JsonDocument.Parse(created.Body);
        var session = json.RootElement.GetProperty("session").GetString()!;
        Assert.Equal(204, (await server.SendAsync("PUT", path + "?session=" + session, payload[..(length / 2)], [("upload-offset", "0")])).Status);

        await server.RestartAsync();

        var query = await server.SendAsync("PUT", path + "?session=" + session, [], [("upload-offset", "*")]);
        Assert.Equal(204, query.Status);
        Assert.Equal((length / 2).ToString(), query.Header("upload-offset"));
        var last = await server.SendAsync("PUT", path + "?session=" + session, payload[(length / 2)..], [("upload-offset", (length / 2).ToString())]);
        Assert.Equal(201, last.Status);
        var get = await server.SendAsync("GET", path);
        Assert.True(payload.AsSpan().SequenceEqual(get.Body));
    }
}
