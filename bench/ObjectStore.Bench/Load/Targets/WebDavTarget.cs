using System.Globalization;
using System.Net;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>nginx WebDAV: PUT (chunked, as our writes), static GET, DELETE of client-made keys — the HTTP ceiling.</summary>
internal sealed class WebDavTarget(string uri, string baseUrl, int concurrency) : ILoadTarget
{
    private readonly HttpClient _http = HttpClients.Create(concurrency);
    private readonly string _base = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";

    public string Kind => "webdav";
    public string Uri => uri;
    public bool SupportsBatch => false;
    public long? MaxObjectSize => null;

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        var key = $"{spec.Name}-{item.Organization.ToString(CultureInfo.InvariantCulture)}-{item.Seed.ToString("x16", CultureInfo.InvariantCulture)}";
        using var request = HttpClients.Request(HttpMethod.Put, _base + key, new PayloadContent(item.Seed, 0, item.Size, chunked: true));
        request.Headers.TransferEncodingChunked = true;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, "write", null, ct);
        await response.Content.CopyToAsync(Stream.Null, ct);
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        using var request = HttpClients.Request(HttpMethod.Get, _base + stored.Key);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, $"read {stored.Key}", HttpStatusCode.OK, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await Payload.VerifyStreamAsync($"read {stored.Key}", body, stored.Seed, stored.Size, ct);
    }

    public async Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        using var request = HttpClients.Request(HttpMethod.Delete, _base + stored.Key);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, $"delete {stored.Key}", null, ct);
        await response.Content.CopyToAsync(Stream.Null, ct);
    }

    public Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct) =>
        throw new NotSupportedException("webdav has no batch requests");

    public Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct) =>
        throw new NotSupportedException("webdav has no batch requests");

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
