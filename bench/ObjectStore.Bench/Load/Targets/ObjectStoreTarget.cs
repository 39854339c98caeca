using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>The product over its v1 HTTP API; requests go round-robin over one or more base URLs.</summary>
internal sealed class ObjectStoreTarget : ILoadTarget
{
    private readonly HttpClient _http;
    private readonly string[] _bases;
    private int _next;

    public ObjectStoreTarget(string uri, IEnumerable<string> baseUrls, int concurrency)
    {
        Uri = uri;
        _bases = baseUrls.Select(b => b.TrimEnd('/')).ToArray();
        if (_bases.Length == 0) throw new ArgumentException("objectstore: needs at least one base URL", nameof(baseUrls));
        _http = HttpClients.Create(concurrency);
    }

    public string Kind => "objectstore";
    public string Uri { get; }
    public bool SupportsBatch => true;
    public long? MaxObjectSize => null;

    /// <summary>The client-chosen key of a batch insert.</summary>
    public static string BatchKey(ulong seed) => "b" + seed.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The scopes path segment of an organization.</summary>
    public static string Scopes(int organization) => $"org={organization};project={organization}";

    public async Task<StoredObject> WriteAsync(LoadSpec spec, ObjectToWrite item, CancellationToken ct)
    {
        if (spec.Multipart is { } multipart && item.Size > multipart.PartSize) return await WriteMultipartAsync(spec, multipart, item, ct);
        using var request = HttpClients.Request(HttpMethod.Post, $"{Base()}/v1/objects/{spec.Name}/{Scopes(item.Organization)}/",
            new PayloadContent(item.Seed, 0, item.Size, chunked: true));
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("x-sn-expiration", Expiration.Header(spec.Ttl));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, "write", HttpStatusCode.Created, ct);
        return new StoredObject(item.Organization, await ReadStringAsync(response, "key", ct), item.Size, item.Seed);
    }

    public async Task ReadAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        using var request = HttpClients.Request(HttpMethod.Get, ObjectUrl(spec, stored));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, $"read {stored.Key}", HttpStatusCode.OK, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await Payload.VerifyStreamAsync($"read {stored.Key}", body, stored.Seed, stored.Size, ct);
    }

    public async Task DeleteAsync(LoadSpec spec, StoredObject stored, CancellationToken ct)
    {
        using var request = HttpClients.Request(HttpMethod.Delete, ObjectUrl(spec, stored));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, $"delete {stored.Key}", null, ct);
        await response.Content.CopyToAsync(Stream.Null, ct);
    }

    public async Task<BatchOutcome> WriteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<ObjectToWrite> items, CancellationToken ct)
    {
        var statuses = await SendBatchAsync(spec, organization, items.Select(i => BatchPart.Insert(i, BatchKey(i.Seed))).ToList(), ct);
        return Outcome(items.Select(i => new StoredObject(organization, BatchKey(i.Seed), i.Size, i.Seed)).ToList(), statuses);
    }

    public async Task<BatchOutcome> DeleteBatchAsync(LoadSpec spec, int organization, IReadOnlyList<StoredObject> items, CancellationToken ct)
    {
        var statuses = await SendBatchAsync(spec, organization, items.Select(i => BatchPart.Remove(i.Key)).ToList(), ct);
        return Outcome(items, statuses);
    }

    private async Task<IReadOnlyList<BatchPartStatus>> SendBatchAsync(LoadSpec spec, int organization, IReadOnlyList<BatchPart> parts, CancellationToken ct)
    {
        var boundary = $"{Random.Shared.NextInt64():x16}-{Random.Shared.NextInt64():x16}";
        using var request = HttpClients.Request(HttpMethod.Post, $"{Base()}/v1/objects:batch/{spec.Name}/{Scopes(organization)}/",
            new BatchRequestContent(boundary, parts, Expiration.Header(spec.Ttl)));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await HttpClients.EnsureAsync(response, "batch", HttpStatusCode.OK, ct);
        return BatchResponse.Parse(await response.Content.ReadAsByteArrayAsync(ct), BatchResponse.Boundary(response.Content.Headers.ContentType));
    }

    /// <summary>Matches per-part statuses to the operations on <paramref name="items"/> by index; an index that never came back is a failure.</summary>
    internal static BatchOutcome Outcome(IReadOnlyList<StoredObject> items, IReadOnlyList<BatchPartStatus> statuses)
    {
        var seen = new bool[items.Count];
        var written = new List<StoredObject>(items.Count);
        var failures = 0;
        string? firstError = null;
        foreach (var part in statuses)
        {
            if (part.Index < 0 || part.Index >= items.Count || seen[part.Index])
            {
                failures++;
                firstError ??= $"batch response has an unexpected part index {part.Index}";
                continue;
            }
            seen[part.Index] = true;
            if (part.Status is >= 200 and < 300)
            {
                written.Add(items[part.Index]);
            }
            else
            {
                failures++;
                firstError ??= $"batch operation {part.Index}: {part.Error}";
            }
        }
        var missing = seen.Count(s => !s);
        if (missing > 0)
        {
            failures += missing;
            firstError ??= $"batch response lacks {missing} of {items.Count} parts";
        }
        return new BatchOutcome(written, failures, firstError);
    }

    private async Task<StoredObject> WriteMultipartAsync(LoadSpec spec, MultipartSpec multipart, ObjectToWrite item, CancellationToken ct)
    {
        var prefix = $"{Base()}/v1/objects:multipart";
        var scopes = Scopes(item.Organization);
        string key, uploadId;
        using (var initiate = HttpClients.Request(HttpMethod.Post, $"{prefix}/{spec.Name}/{scopes}/"))
        {
            initiate.Headers.TryAddWithoutValidation("x-sn-expiration", Expiration.Header(spec.Ttl));
            using var response = await _http.SendAsync(initiate, HttpCompletionOption.ResponseHeadersRead, ct);
            await HttpClients.EnsureAsync(response, "multipart initiate", HttpStatusCode.OK, ct);
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            key = json.RootElement.GetProperty("key").GetString() ?? throw new FormatException("multipart initiate returned no key");
            uploadId = json.RootElement.GetProperty("upload_id").GetString() ?? throw new FormatException("multipart initiate returned no upload_id");
        }
        var partCount = (int)((item.Size + multipart.PartSize - 1) / multipart.PartSize);
        var etags = new string[partCount];
        var query = "?upload_id=" + System.Uri.EscapeDataString(uploadId);
        await Parallel.ForEachAsync(Enumerable.Range(1, partCount), new ParallelOptions { MaxDegreeOfParallelism = multipart.Concurrency, CancellationToken = ct }, async (number, token) =>
        {
            var start = (number - 1) * multipart.PartSize;
            var length = Math.Min(multipart.PartSize, item.Size - start);
            using var put = HttpClients.Request(HttpMethod.Put,
                $"{prefix}:parts/{spec.Name}/{scopes}/{key}{query}&part_number={number.ToString(CultureInfo.InvariantCulture)}",
                new PayloadContent(item.Seed, start, length, chunked: false));
            using var response = await _http.SendAsync(put, HttpCompletionOption.ResponseHeadersRead, token);
            await HttpClients.EnsureAsync(response, $"multipart part {number}", HttpStatusCode.OK, token);
            etags[number - 1] = await ReadStringAsync(response, "etag", token);
        });
        var complete = new StringBuilder("{\"parts\":[");
        for (var i = 0; i < partCount; i++)
            complete.Append(i == 0 ? "" : ",").Append("{\"part_number\":").Append(i + 1).Append(",\"etag\":").Append(JsonSerializer.Serialize(etags[i], LoadJsonContext.Default.String)).Append('}');
        complete.Append("]}");
        using (var finish = HttpClients.Request(HttpMethod.Post, $"{prefix}:complete/{spec.Name}/{scopes}/{key}{query}",
                   new StringContent(complete.ToString(), Encoding.UTF8, "application/json")))
        {
            using var response = await _http.SendAsync(finish, HttpCompletionOption.ResponseHeadersRead, ct);
            await HttpClients.EnsureAsync(response, "multipart complete", HttpStatusCode.OK, ct);
            var text = (await response.Content.ReadAsStringAsync(ct)).Trim();
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("error", out var error)) throw new LoadHttpException($"multipart complete: {error.GetRawText()}");
        }
        return new StoredObject(item.Organization, key, item.Size, item.Seed);
    }

    private static async Task<string> ReadStringAsync(HttpResponseMessage response, string property, CancellationToken ct)
    {
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return json.RootElement.TryGetProperty(property, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"response has no \"{property}\": {json.RootElement.GetRawText()}");
    }

    private string ObjectUrl(LoadSpec spec, StoredObject stored) =>
        $"{Base()}/v1/objects/{spec.Name}/{Scopes(stored.Organization)}/{System.Uri.EscapeDataString(stored.Key)}";

    private string Base() => _bases.Length == 1 ? _bases[0] : _bases[(int)((uint)Interlocked.Increment(ref _next) % _bases.Length)];

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
