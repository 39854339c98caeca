using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Http;
using ObjectStore.Grains.Uploads;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// Resumable uploads of objectstore 0.2.6+ (docs/api.md, "Resumable uploads"). Requests are validated in upstream's
/// order (objectstore-server <c>endpoints/resumable.rs</c>); the session itself is an <see cref="IUploadSessionGrain"/>
/// keyed by the token, and the object changes only when the last byte commits through the object grain.
///
/// ### Create (<c>POST …/?upload_type=resumable</c>, <c>PUT …/{key}?upload_type=resumable</c>)
/// 1. <c>Upload-Length</c> present and a byte count, else 400.
/// 2. Empty body, else 400.
/// 3. Metadata (400), usecase policy (400), <c>object.write</c> (403).
/// 4. 200 <c>{"key","session"}</c>.
///
/// ### Chunk and offset query (<c>PUT …/{key}?session=T</c>)
/// 1. <c>session</c> is canonical unpadded base64url of UTF-8, else 400.
/// 2. <c>Upload-Offset</c> is a byte count or <c>*</c> (400); a chunk needs <c>Content-Length</c> (400); <c>*</c> needs
///    an empty body (400).
/// 3. <c>object.write</c> (403).
/// 4. 204 + <c>Upload-Offset</c> while bytes remain; 201 <c>{"key"}</c> once committed; 409 + <c>Upload-Offset</c> on an
///    offset mismatch; 400 past the declared length or for an unknown session; 410 expired or cancelled. The body of a
///    refused chunk is never read.
///
/// ### Cancel (<c>DELETE …/{key}?session=T</c>)
/// Token (400), <c>object.write</c> (403), then 204 (also for a session already cancelled or expired), 400 unknown,
/// 410 when it already committed (the object stays).
/// </summary>
internal static class ResumableEndpoints
{
    /// <summary>Declares the whole object's size when creating a session.</summary>
    public const string UploadLengthHeader = "upload-length";

    /// <summary>The byte position of a chunk, or <c>*</c> to ask for the server's.</summary>
    public const string UploadOffsetHeader = "upload-offset";

    /// <summary>Session creation.</summary>
    public static async Task CreateSessionAsync(ApiRequest request)
    {
        var headers = request.Http.Request.Headers;
        if (!headers.TryGetValue(UploadLengthHeader, out var lengthHeader)) throw ApiException.ClientError($"{UploadLengthHeader} header is required");
        if (ParseByteCount(lengthHeader.ToString()) is not { } length) throw ApiException.ClientError($"{UploadLengthHeader} must be a byte count");
        await RequireEmptyBodyAsync(request, "resumable session creation").ConfigureAwait(false);
        var key = request.Path.Key ?? Guid.NewGuid().ToString();
        var id = request.ToId(key);
        var metadata = request.ReadWriteMetadata();
        string session;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            session = await request.Services.Backend.CreateUploadSessionAsync(id, metadata, length, request.Aborted).ConfigureAwait(false);
        await JsonBodies.WriteAsync(request.Http.Response, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("key"u8, key);
            w.WriteString("session"u8, session);
            w.WriteEndObject();
        }, request.Aborted).ConfigureAwait(false);
    }

    /// <summary>A chunk or an offset query on <paramref name="session"/>.</summary>
    public static async Task ContinueSessionAsync(ApiRequest request, string session)
    {
        DecodeSession(session);
        var headers = request.Http.Request.Headers;
        if (!headers.TryGetValue(UploadOffsetHeader, out var offsetHeader)) throw ApiException.ClientError($"{UploadOffsetHeader} header is required");
        var text = offsetHeader.ToString();
        long? offset = null;
        long size = 0;
        if (text == "*")
        {
            await RequireEmptyBodyAsync(request, "Upload-Offset: *").ConfigureAwait(false);
        }
        else
        {
            offset = ParseByteCount(text) ?? throw ApiException.ClientError($"invalid {UploadOffsetHeader}: expected a byte count or `*`");
            size = request.Http.Request.ContentLength ?? throw ApiException.ClientError("Content-Length header is required");
        }
        var id = request.ObjectId();
        request.Authorize(Permissions.Write);
        UploadStep step;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
        {
            var backend = request.Services.Backend;
            step = offset is { } at
                ? await backend.UploadChunkAsync(session, id, at, request.MeteredBody(), size, request.Aborted).ConfigureAwait(false)
                : await backend.QueryUploadSessionAsync(session, id, request.Aborted).ConfigureAwait(false);
        }
        await AnswerAsync(request, step).ConfigureAwait(false);
    }

    /// <summary>A cancellation; the object at the key is never touched.</summary>
    public static async Task CancelSessionAsync(ApiRequest request, string? session)
    {
        if (session is null) throw ApiException.ClientError($"Failed to deserialize query string: missing field `{ObjectQuery.SessionParameter}`");
        DecodeSession(session);
        var id = request.ObjectId();
        request.Authorize(Permissions.Write);
        UploadStep step;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            step = await request.Services.Backend.CancelUploadSessionAsync(session, id, request.Aborted).ConfigureAwait(false);
        switch (step.Kind)
        {
            case UploadStepKind.Continue or UploadStepKind.Gone:
                request.Http.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case UploadStepKind.Committed:
                throw new ApiException(ApiError.Json(410, "service error: upload session already committed", "the object it wrote stays; delete it without `session`"));
            default:
                throw UnknownSession();
        }
    }

    private static async Task AnswerAsync(ApiRequest request, UploadStep step)
    {
        var response = request.Http.Response;
        switch (step.Kind)
        {
            case UploadStepKind.Continue:
                response.StatusCode = StatusCodes.Status204NoContent;
                response.Headers[UploadOffsetHeader] = step.Offset.ToString(CultureInfo.InvariantCulture);
                return;
            case UploadStepKind.Committed:
                await JsonBodies.WriteAsync(response, StatusCodes.Status201Created, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("key"u8, request.Path.Key);
                    w.WriteEndObject();
                }, request.Aborted).ConfigureAwait(false);
                return;
            case UploadStepKind.Mismatch:
                // Written here, not thrown: the error path clears headers, and the client needs the authoritative offset.
                response.Headers[UploadOffsetHeader] = step.Offset.ToString(CultureInfo.InvariantCulture);
                if (request.Http.Request.ContentLength is > 0) response.Headers["connection"] = "close";
                await ErrorResponses.WriteAsync(response, ApiError.Json(409, "service error: upload offset mismatch",
                    $"the session holds {step.Offset} bytes; resume from offset {step.Offset}"), request.Aborted).ConfigureAwait(false);
                return;
            case UploadStepKind.PastLength:
                throw ApiException.ClientError(step.Problem ?? "chunk past the declared length");
            case UploadStepKind.Gone:
                throw new ApiException(ApiError.Json(410, "service error: upload session gone", step.Problem ?? "upload session expired or was cancelled"));
            default:
                throw UnknownSession();
        }
    }

    private static ApiException UnknownSession() => new(ApiError.Json(400, "service error: unknown upload session"));

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

    private static long? ParseByteCount(string text) =>
        text.Length > 0 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

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
