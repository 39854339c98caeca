using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Http;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The resumable upload requests of objectstore 0.2.6+ (docs/api.md, "Resumable uploads"), which this server does not
/// implement yet. Each is validated in upstream's order (objectstore-server <c>endpoints/resumable.rs</c>) and then
/// refused the way an upstream server refuses it when its backend has no resumable support, so that nothing is ever
/// stored, overwritten or deleted by a session request:
///
/// ### Create (<c>POST …/?upload_type=resumable</c>, <c>PUT …/{key}?upload_type=resumable</c>)
/// 1. <c>Upload-Length</c> present and a byte count, else 400.
/// 2. Empty body, else 400.
/// 3. Metadata (400), usecase policy (400), <c>object.write</c> (403).
/// 4. 501 <c>service error: not implemented</c>: upstream's answer when the backend declines a session, on which
///    clients fall back to a plain upload.
///
/// ### Chunk, offset query (<c>PUT …/{key}?session=T</c>) and cancel (<c>DELETE …/{key}?session=T</c>)
/// 1. <c>session</c> is canonical unpadded base64url of UTF-8, else 400.
/// 2. PUT only: <c>Upload-Offset</c> is a byte count or <c>*</c> (400); a chunk needs <c>Content-Length</c> (400);
///    <c>*</c> needs an empty body (400).
/// 3. <c>object.write</c> (403).
/// 4. 400 <c>unknown upload session</c>: this server has issued no session, so every token is unknown (upstream
///    answers an unknown session with 400). The request body is never read.
/// </summary>
internal static class ResumableEndpoints
{
    /// <summary>Declares the whole object's size when creating a session.</summary>
    public const string UploadLengthHeader = "upload-length";

    /// <summary>The byte position of a chunk, or <c>*</c> to ask for the server's.</summary>
    public const string UploadOffsetHeader = "upload-offset";

    private const string NotImplementedCause =
        "resumable uploads (`upload_type=resumable`) are not supported by this server; upload the object with a plain PUT or POST";

    /// <summary>Session creation: validated, then 501.</summary>
    public static async Task CreateSessionAsync(ApiRequest request)
    {
        var headers = request.Http.Request.Headers;
        if (!headers.TryGetValue(UploadLengthHeader, out var length)) throw ApiException.ClientError($"{UploadLengthHeader} header is required");
        if (!IsByteCount(length.ToString())) throw ApiException.ClientError($"{UploadLengthHeader} must be a byte count");
        await RequireEmptyBodyAsync(request, "resumable session creation").ConfigureAwait(false);
        if (request.Path.Key is not null) request.ObjectId();
        request.ReadWriteMetadata();
        throw new ApiException(ApiError.Json(501, "service error: not implemented", NotImplementedCause));
    }

    /// <summary>A chunk or an offset query on <paramref name="session"/>: validated, then 400 unknown session.</summary>
    public static async Task ContinueSessionAsync(ApiRequest request, string session)
    {
        DecodeSession(session);
        var headers = request.Http.Request.Headers;
        if (!headers.TryGetValue(UploadOffsetHeader, out var offset)) throw ApiException.ClientError($"{UploadOffsetHeader} header is required");
        var text = offset.ToString();
        if (text == "*")
        {
            await RequireEmptyBodyAsync(request, "Upload-Offset: *").ConfigureAwait(false);
        }
        else
        {
            if (!IsByteCount(text)) throw ApiException.ClientError($"invalid {UploadOffsetHeader}: expected a byte count or `*`");
            if (request.Http.Request.ContentLength is null) throw ApiException.ClientError("Content-Length header is required");
        }
        request.ObjectId();
        request.Authorize(Permissions.Write);
        throw UnknownSession();
    }

    /// <summary>A cancellation: validated, then 400 unknown session; the object at the key is never touched.</summary>
    public static Task CancelSessionAsync(ApiRequest request, string? session)
    {
        if (session is null) throw ApiException.ClientError($"Failed to deserialize query string: missing field `{ObjectQuery.SessionParameter}`");
        DecodeSession(session);
        request.ObjectId();
        request.Authorize(Permissions.Write);
        throw UnknownSession();
    }

    private static ApiException UnknownSession() =>
        new(ApiError.Json(400, "service error: unknown upload session", "this server issues no resumable upload sessions; " + NotImplementedCause));

    /// <summary>Upstream's token rule: unpadded base64url that re-encodes to itself, of UTF-8 bytes.</summary>
    private static void DecodeSession(string encoded)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (encoded.AsSpan().IndexOfAnyExcept(Base64UrlAlphabet) >= 0 || !Base64Url.TryDecodeFromChars(encoded, bytes, out var written)
            || Base64Url.EncodeToString(bytes.AsSpan(0, written)) != encoded)
            throw ApiException.ClientError("session token must use unpadded base64url encoding");
        try
        {
            _ = new UTF8Encoding(false, true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.ClientError("session token is not valid UTF-8");
        }
    }

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static bool IsByteCount(string text) =>
        text.Length > 0 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
        && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// 400 when the request declares or carries a body. A chunked body is probed for one byte only; an error
    /// answer then closes the connection (<see cref="ApiPipeline"/>) instead of draining it.
    /// </summary>
    private static async Task RequireEmptyBodyAsync(ApiRequest request, string what)
    {
        var http = request.Http.Request;
        if (http.ContentLength is > 0) throw ApiException.ClientError($"{what} must be sent with an empty body");
        if (http.ContentLength is 0) return;
        var probe = new byte[1];
        if (await http.Body.ReadAsync(probe, request.Aborted).ConfigureAwait(false) > 0)
            throw ApiException.ClientError($"{what} must be sent with an empty body");
    }
}
