using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The multipart upload protocol (api doc §8): initiate (PUT with key, POST with a generated one), upload part
/// (Content-Length required), list parts, complete (200 at once, a space per second, then one JSON document),
/// abort (204). Every operation needs <c>object.write</c>.
/// </summary>
internal static partial class MultipartEndpoints
{
    /// <summary>Largest accepted complete body (the reference's JSON limit).</summary>
    public const int CompleteBodyLimit = 2 * 1024 * 1024;

    /// <summary>How often complete writes a keep-alive space while the assembly runs.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(1);

    /// <summary>Dispatches on route and method.</summary>
    public static Task HandleAsync(ApiRequest request) => (request.Route.Route, request.Http.Request.Method) switch
    {
        (ApiRoute.MultipartCollection, _) => InitiateAsync(request, Guid.NewGuid().ToString()),
        (ApiRoute.Multipart, "PUT") => InitiateAsync(request, request.Path.Key!),
        (ApiRoute.Multipart, _) => AbortAsync(request),
        (ApiRoute.MultipartParts, "PUT") => UploadPartAsync(request),
        (ApiRoute.MultipartParts, _) => ListPartsAsync(request),
        _ => CompleteAsync(request),
    };

    private static async Task InitiateAsync(ApiRequest request, string key)
    {
        var id = request.ToId(key);
        var metadata = request.ReadWriteMetadata();
        string uploadId;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            uploadId = await request.Services.Backend.InitiateMultipartAsync(id, metadata, request.Aborted).ConfigureAwait(false);
        await JsonBodies.WriteAsync(request.Http.Response, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("key"u8, key);
            w.WriteString("upload_id"u8, uploadId);
            w.WriteEndObject();
        }, request.Aborted).ConfigureAwait(false);
    }

    private static async Task UploadPartAsync(ApiRequest request)
    {
        var query = Query(MultipartQuery.TryParsePart(request.Route.RawQuery, out var q, out var error), q, error);
        if (query.PartNumber > int.MaxValue)
            throw new ApiException(ApiError.Text(400, "Failed to deserialize query string: part_number is larger than this server supports"));
        if (request.Http.Request.ContentLength is not { } length)
            throw ApiException.ClientError("Content-Length header is required");
        var md5 = request.Http.Request.Headers["content-md5"].ToString();
        var id = request.ObjectId();
        request.Authorize(Permissions.Write);
        string etag;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
        {
            etag = await Backend(() => request.Services.Backend.UploadPartAsync(
                id, query.UploadId, (int)query.PartNumber!.Value, request.MeteredBody(), length, md5.Length == 0 ? null : md5, request.Aborted)).ConfigureAwait(false);
        }
        await JsonBodies.WriteAsync(request.Http.Response, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("etag"u8, etag);
            w.WriteEndObject();
        }, request.Aborted).ConfigureAwait(false);
    }

    private static async Task ListPartsAsync(ApiRequest request)
    {
        var query = Query(MultipartQuery.TryParseList(request.Route.RawQuery, out var q, out var error), q, error);
        var id = request.ObjectId();
        request.Authorize(Permissions.Write);
        PartListing listing;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
        {
            listing = await Backend(() => request.Services.Backend.ListPartsAsync(
                id, query.UploadId, Clamp(query.MaxParts), Clamp(query.PartNumberMarker), request.Aborted)).ConfigureAwait(false);
        }
        await JsonBodies.WriteAsync(request.Http.Response, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("parts"u8);
            foreach (var part in listing.Parts)
            {
                w.WriteStartObject();
                w.WriteNumber("part_number"u8, part.PartNumber);
                w.WriteString("etag"u8, part.ETag);
                // RFC 3339 with Z and no fraction: both clients parse it; an offset would break the Rust one.
                w.WriteString("last_modified"u8, part.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteNumber("size"u8, part.Size);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("is_truncated"u8, listing.IsTruncated);
            if (listing.IsTruncated && listing.NextPartNumberMarker is { } next) w.WriteNumber("next_part_number_marker"u8, next);
            w.WriteEndObject();
        }, request.Aborted).ConfigureAwait(false);
    }

    private static async Task AbortAsync(ApiRequest request)
    {
        var query = Query(MultipartQuery.TryParseUpload(request.Route.RawQuery, out var q, out var error), q, error);
        var id = request.ObjectId();
        request.Authorize(Permissions.Write);
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
        {
            try
            {
                await Backend(async () =>
                {
                    await request.Services.Backend.AbortMultipartAsync(id, query.UploadId, request.Aborted).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
            }
            catch (UploadNotFoundException)
            {
                // Aborting an unknown upload is a success (§8.5).
            }
        }
        request.Http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task CompleteAsync(ApiRequest request)
    {
        var query = Query(MultipartQuery.TryParseUpload(request.Route.RawQuery, out var q, out var error), q, error);
        var parts = await CompleteRequestBody.ReadAsync(request.Http.Request, CompleteBodyLimit, request.Aborted).ConfigureAwait(false);
        var response = request.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.StartAsync(request.Aborted).ConfigureAwait(false);
        // The work runs to completion even if the client leaves: a half-committed upload helps nobody.
        var work = CompleteCoreAsync(request, query.UploadId, parts);
        while (true)
        {
            var tick = Task.Delay(KeepAliveInterval, request.Aborted);
            if (await Task.WhenAny(work, tick).ConfigureAwait(false) == work) break;
            if (tick.IsCanceled) break;
            response.BodyWriter.Write(" "u8);
            await response.BodyWriter.FlushAsync(request.Aborted).ConfigureAwait(false);
        }
        var outcome = await work.ConfigureAwait(false);
        JsonBodies.Write(response, w =>
        {
            w.WriteStartObject();
            if (outcome.Succeeded)
            {
                w.WriteString("key"u8, request.Path.Key);
            }
            else
            {
                w.WriteStartObject("error"u8);
                w.WriteString("code"u8, outcome.ErrorCode);
                w.WriteString("message"u8, outcome.ErrorMessage);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
        await response.BodyWriter.FlushAsync(request.Aborted).ConfigureAwait(false);
    }

    private static async Task<MultipartCompletion> CompleteCoreAsync(ApiRequest request, string uploadId, IReadOnlyList<CompletedPart> parts)
    {
        try
        {
            var id = request.ObjectId();
            request.Authorize(Permissions.Write);
            using (await request.Services.ServiceLimiter.AcquireAsync(CancellationToken.None).ConfigureAwait(false))
                return await request.Services.Backend.CompleteMultipartAsync(id, uploadId, parts, CancellationToken.None).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            // A malformed upload id is the client's mistake: answered in the document, not logged as a failure.
            return MultipartCompletion.Failed("internal error", InvalidUploadId(e));
        }
        catch (Exception e)
        {
            var error = ErrorMapping.ToApiError(e);
            if (error.Status >= 500 && error.RetryAfterSeconds is null) LogCompleteFailed(request.Services.Logger, e, uploadId);
            return MultipartCompletion.Failed("internal error", error.Detail.Length > 0 ? error.Detail : e.Message);
        }
    }

    private static MultipartQuery Query(bool parsed, MultipartQuery query, string error) =>
        parsed ? query : throw new ApiException(ApiError.Text(400, error));

    private static int? Clamp(uint? value) => value is { } v ? (int)Math.Min(v, int.MaxValue) : null;

    /// <summary>Runs a backend call whose upload id the tiered layer may reject as malformed (400, §4.1).</summary>
    private static async Task<T> Backend<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            throw new ApiException(ApiError.Json(400, InvalidUploadId(e)));
        }
    }

    private static string InvalidUploadId(FormatException e) => "service error: invalid upload_id: " + e.Message;

    [LoggerMessage(Level = LogLevel.Error, Message = "Multipart complete of upload {UploadId} failed")]
    private static partial void LogCompleteFailed(ILogger logger, Exception exception, string uploadId);
}
