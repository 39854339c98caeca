using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ObjectStore.Client.Auth;
using ObjectStore.Client.Http;
using ZstdSharp;

namespace ObjectStore.Client;

/// <summary>
/// Operations on the objects of one usecase and scope: put, get, head, delete, batch (<see cref="ManyAsync"/>),
/// multipart uploads, and URLs others can read with. Cheap to create; safe to share between threads.
/// </summary>
public sealed partial class ObjectStoreSession
{
    private readonly Transport _transport;

    internal ObjectStoreSession(Transport transport, Usecase usecase, Scope scope)
    {
        _transport = transport;
        Usecase = usecase;
        Scope = scope;
    }

    /// <summary>The usecase and its defaults.</summary>
    public Usecase Usecase { get; }

    /// <summary>The scope every operation addresses.</summary>
    public Scope Scope { get; }

    internal Transport Transport => _transport;

    /// <summary>Writes bytes; returns the key (the server's generated one when <see cref="PutOptions.Key"/> is null).</summary>
    public Task<string> PutAsync(ReadOnlyMemory<byte> payload, PutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutCoreAsync(PayloadSource.FromMemory(payload), options ?? PutOptions.Default, cancellationToken);

    /// <summary>Writes text as UTF-8 (content type <c>text/plain; charset=utf-8</c> unless the options name one).</summary>
    public Task<string> PutAsync(string text, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PutOptions.Default;
        return PutCoreAsync(PayloadSource.FromMemory(Encoding.UTF8.GetBytes(text)),
            options.ContentType is null ? options with { ContentType = "text/plain; charset=utf-8" } : options, cancellationToken);
    }

    /// <summary>
    /// Streams <paramref name="payload"/> from its current position to its end without buffering it. The stream is not
    /// disposed. A retry resends it only when it is seekable and the key is given (a generated key is never retried).
    /// </summary>
    public Task<string> PutAsync(Stream payload, PutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutCoreAsync(PayloadSource.FromStream(payload), options ?? PutOptions.Default, cancellationToken);

    /// <summary>
    /// Uploads a file: in one streamed request, or, from <see cref="ObjectStoreClientOptions.MultipartThreshold"/> on,
    /// as a multipart upload of parallel parts.
    /// </summary>
    public async Task<string> PutFileAsync(string path, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PutOptions.Default;
        var length = new FileInfo(path).Length;
        if (length < _transport.Options.MultipartThreshold)
            return await PutCoreAsync(PayloadSource.FromFile(path), options, cancellationToken).ConfigureAwait(false);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
            return await UploadMultipartAsync(file, options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> PutCoreAsync(PayloadSource source, PutOptions options, CancellationToken cancellationToken)
    {
        var compress = !options.AlreadyCompressed && (options.Compression ?? Usecase.Compression) == Compression.Zstd;
        var headers = MetadataHeaders.ForWrite(options, Usecase, encoded: compress || options.AlreadyCompressed);
        var keyed = !string.IsNullOrEmpty(options.Key);
        var url = _transport.Url(ObjectPath("objects", keyed ? options.Key! : ""));
        // A generated key is minted per request: repeating a POST would store a second copy.
        var attempt = keyed && source.Replayable ? Attempt.Retried : Attempt.Once;
        using var response = await _transport.SendAsync(() =>
        {
            var request = NewAuthorizedRequest(keyed ? HttpMethod.Put : HttpMethod.Post, url);
            request.Content = new PayloadContent(source, compress, options.Progress);
            foreach (var (name, value) in headers) AddHeader(request, name, value);
            return request;
        }, attempt, timed: source.InMemory, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await Transport.ErrorAsync(response, "put", cancellationToken).ConfigureAwait(false);
        return await ReadKeyAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads an object: metadata and a stream of its bytes, zstd decompressed on the fly unless asked not to; null when
    /// it does not exist (or expired). Dispose the result.
    /// </summary>
    public async Task<ObjectResponse?> GetAsync(string key, GetOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= GetOptions.Default;
        var url = _transport.Url(ObjectPath("objects", CheckKey(key)));
        var response = await _transport.SendAsync(() =>
        {
            var request = NewAuthorizedRequest(HttpMethod.Get, url);
            if (options.Range is var (from, to)) request.Headers.Range = new RangeHeaderValue(from, to);
            return request;
        }, Attempt.Retried, timed: true, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }
            if (!response.IsSuccessStatusCode) throw await Transport.ErrorAsync(response, "get", cancellationToken).ConfigureAwait(false);
            var headers = AllHeaders(response);
            var decompress = options.Decompress && options.Range is null && MetadataHeaders.IsZstd(headers);
            var metadata = MetadataHeaders.Read(headers, decompress);
            Stream content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            // The decoder reads every frame in turn: multipart objects are one frame per part.
            if (decompress) content = new DecompressionStream(content, leaveOpen: false);
            var length = decompress ? null : response.Content.Headers.ContentLength;
            if (options.Progress is not null) content = new ProgressStream(content, options.Progress, length);
            return new ObjectResponse(response, metadata, content, length);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>An object's metadata without its bytes; null when it does not exist. Counts as an access for TTI.</summary>
    public async Task<ObjectMetadata?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        var url = _transport.Url(ObjectPath("objects", CheckKey(key)));
        using var response = await _transport.SendAsync(() => NewAuthorizedRequest(HttpMethod.Head, url), Attempt.Retried, timed: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await Transport.ErrorAsync(response, "head", cancellationToken).ConfigureAwait(false);
        return MetadataHeaders.Read(AllHeaders(response), decompressed: false);
    }

    /// <summary>Deletes an object; deleting a missing one succeeds.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var url = _transport.Url(ObjectPath("objects", CheckKey(key)));
        using var response = await _transport.SendAsync(() => NewAuthorizedRequest(HttpMethod.Delete, url), Attempt.Retried, timed: true, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await Transport.ErrorAsync(response, "delete", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A token for this usecase and scope from the signing key, e.g. to hand to another service. Permissions default to
    /// the key's, and must be within them.
    /// </summary>
    public string MintToken(ObjectStorePermissions? permissions = null, TimeSpan? expiry = null) =>
        (_transport.Minter ?? throw new InvalidOperationException("no signing key is configured (ObjectStoreClientOptions.SigningKey)"))
        .Mint(Usecase.Name, Scope, permissions, expiry);

    /// <summary>
    /// The URL of an object; with <paramref name="tokenValidity"/>, a read-only token rides along as <c>?os_auth=</c>
    /// so anyone holding the URL can GET it until then (needs a signing key).
    /// </summary>
    public Uri ObjectUrl(string key, TimeSpan? tokenValidity = null)
    {
        var path = ObjectPath("objects", CheckKey(key));
        if (tokenValidity is not { } validity) return _transport.Url(path);
        var seconds = Math.Ceiling(validity.TotalSeconds);
        // A JWT is base64url with dots: URL-safe as it is.
        return _transport.Url(path + "?os_auth=" + MintToken(ObjectStorePermissions.Read, TimeSpan.FromSeconds(seconds)));
    }

    /// <summary>
    /// A pre-signed URL for GET or HEAD of one object, valid for <paramref name="duration"/> (at most 7 days), signed with
    /// the signing key (api doc §9.5): <c>os_kid</c>, <c>os_timestamp</c>, <c>os_duration</c> and the Ed25519 <c>os_sig</c>
    /// over the method, the path and the sorted query exactly as sent.
    /// </summary>
    public Uri PresignedUrl(HttpMethod method, string key, TimeSpan duration)
    {
        var minter = _transport.Minter ?? throw new InvalidOperationException("pre-signed URLs need a signing key (ObjectStoreClientOptions.SigningKey)");
        if (method != HttpMethod.Get && method != HttpMethod.Head)
            throw new ArgumentException($"unsupported pre-signed method {method}; only GET and HEAD can be pre-signed", nameof(method));
        if (duration > TimeSpan.FromDays(7) || duration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "a pre-signed URL's duration exceeds the maximum of 7 days");
        var path = ObjectPath("objects", CheckKey(key));
        var timestamp = _transport.TimeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var query = PathEncoding.EncodeQuery($"os_kid={minter.KeyId}&os_timestamp={timestamp}&os_duration={(long)Math.Ceiling(duration.TotalSeconds)}");
        var signature = minter.Key.SignBase64Url(Presign.CanonicalForm(method.Method, path, query));
        return _transport.Url(path + "?" + query + "&os_sig=" + signature);
    }

    /// <summary><c>{base path}/v1/{resource}/{usecase}/{scope}/{key}</c>, percent-encoded like the Python client.</summary>
    internal string ObjectPath(string resource, string key) =>
        _transport.BasePath + PathEncoding.EncodePath($"/v1/{resource}/{Usecase.Name}/{Scope}/{key}");

    internal static HttpRequestMessage NewRequest(HttpMethod method, Uri url) => new(method, url) { Version = HttpVersion.Version11 };

    /// <summary>Builds a request with the auth header for this session (a fresh token per call).</summary>
    internal HttpRequestMessage NewAuthorizedRequest(HttpMethod method, Uri url)
    {
        var request = NewRequest(method, url);
        if (_transport.AuthHeader(Usecase, Scope) is { } auth) request.Headers.TryAddWithoutValidation("x-os-auth", auth);
        return request;
    }

    /// <summary>Content headers go on the content, the rest on the request: HttpClient keeps them apart.</summary>
    internal static void AddHeader(HttpRequestMessage request, string name, string value)
    {
        if (name is MetadataHeaders.ContentType or MetadataHeaders.ContentEncoding)
            request.Content!.Headers.TryAddWithoutValidation(name, value);
        else
            request.Headers.TryAddWithoutValidation(name, value);
    }

    internal static List<KeyValuePair<string, IEnumerable<string>>> AllHeaders(HttpResponseMessage response) =>
        [.. response.Headers, .. response.Content.Headers];

    internal static async Task<string> ReadKeyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return json.RootElement.GetProperty("key").GetString() ?? throw new InvalidDataException("the server answered without a key");
    }

    private static string CheckKey(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("an object key cannot be empty", nameof(key)) : key;
}
