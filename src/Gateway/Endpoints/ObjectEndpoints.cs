using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Http;
using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// Single-object endpoints (api doc §3.2–§3.5, docs/api.md): POST 201 with a generated key, PUT 200, GET 200/206/416/404,
/// HEAD 200/404 (204 up to objectstore 0.2.0), PATCH expiry extension 204/404/409/422/400 (objectstore post-0.2.0),
/// DELETE 204 even when missing. Bodies stream both ways.
/// </summary>
internal static class ObjectEndpoints
{
    /// <summary>
    /// Dispatches on the method and, for POST/PUT/DELETE, on the query (<see cref="ObjectQuery"/>): a resumable
    /// session request goes to <see cref="ResumableEndpoints"/>, never to a plain write or delete, and a parameter
    /// this server does not know is a 400 before anything is read or changed. GET and HEAD ignore the query.
    /// </summary>
    public static Task HandleAsync(ApiRequest request)
    {
        var method = request.Http.Request.Method;
        if (method is "GET") return GetAsync(request);
        if (method is "HEAD") return HeadAsync(request);
        if (!ObjectQuery.TryParse(request.Route.RawQuery, out var query, out var error)) throw new ApiException(error!);
        if (method is "PATCH") return PatchAsync(request, query);
        return (method, query.Target) switch
        {
            ("POST", ObjectQueryTarget.None) => PutAsync(request, Guid.NewGuid().ToString(), StatusCodes.Status201Created),
            // Upstream sends POST with either parameter to session creation.
            ("POST", _) => ResumableEndpoints.CreateSessionAsync(request),
            ("PUT", ObjectQueryTarget.None) => PutAsync(request, request.Path.Key!, StatusCodes.Status200OK),
            ("PUT", ObjectQueryTarget.NewSession) => ResumableEndpoints.CreateSessionAsync(request),
            ("PUT", _) => ResumableEndpoints.ContinueSessionAsync(request, query.Session!),
            ("DELETE", ObjectQueryTarget.None) => DeleteAsync(request),
            ("DELETE", _) => ResumableEndpoints.CancelSessionAsync(request, query.Session),
            _ => throw new InvalidOperationException("the router admits no other method"),
        };
    }

    private static async Task PutAsync(ApiRequest request, string key, int status)
    {
        var id = request.ToId(key);
        var metadata = request.ReadWriteMetadata();
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
        {
            var body = request.MeteredBody();
            await request.Services.Backend.PutAsync(id, metadata, body, request.Http.Request.ContentLength, request.Aborted).ConfigureAwait(false);
        }
        await JsonBodies.WriteKeyAsync(request.Http.Response, status, key, request.Aborted).ConfigureAwait(false);
    }

    private static async Task GetAsync(ApiRequest request)
    {
        if (!RangeHeader.TryParse(request.Http.Request.Headers.Range.ToString(), out var range, out var rangeError))
            throw new ApiException(rangeError!);
        var id = request.ObjectId();
        request.Authorize(Permissions.Read);
        ObjectContent? content;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            content = await request.Services.Backend.GetAsync(id, range, request.Aborted).ConfigureAwait(false);
        if (content is null)
        {
            await ErrorResponses.WriteAsync(request.Http.Response, ApiError.Empty(404), request.Aborted).ConfigureAwait(false);
            return;
        }
        await using (content.ConfigureAwait(false))
        {
            var response = request.Http.Response;
            var total = content.Range?.Total ?? content.Metadata.Size ?? (content.Content is { CanSeek: true } seekable ? seekable.Length : content.Payload.Length);
            // x-sn-size is the whole stored object's size, also on a 206.
            var metadata = content.Metadata with { Size = total };
            if (range is { } requested)
            {
                if (content.Range is null && requested.Resolve(total) is null)
                {
                    RangeHeader.WriteUnsatisfiable(response, total);
                    return;
                }
                MetadataHeaders.Write(metadata, response.Headers);
                if (content.Range is { } applied) RangeHeader.WritePartial(response, applied);
            }
            else
            {
                MetadataHeaders.Write(metadata, response.Headers);
                response.StatusCode = StatusCodes.Status200OK;
            }
            if (content.Content is { } stream)
            {
                await CopyAsync(stream, response, n => request.Services.RateLimiter.RecordBytes(id.Usecase, id.Scopes, n), request.Aborted).ConfigureAwait(false);
            }
            else
            {
                request.Services.RateLimiter.RecordBytes(id.Usecase, id.Scopes, content.Payload.Length);
                await response.BodyWriter.WriteAsync(content.Payload, request.Aborted).ConfigureAwait(false);
            }
        }
    }

    private static async Task HeadAsync(ApiRequest request)
    {
        var id = request.ObjectId();
        request.Authorize(Permissions.Read);
        ObjectMetadata? metadata;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            metadata = await request.Services.Backend.HeadAsync(id, request.Aborted).ConfigureAwait(false);
        if (metadata is null)
        {
            await ErrorResponses.WriteAsync(request.Http.Response, ApiError.Empty(404), request.Aborted).ConfigureAwait(false);
            return;
        }
        // Later servers answer 200 with the GET headers and the length a GET would have (objectstore-server
        // endpoints/objects.rs, object_head); 0.2.0 answered 204, and its clients accept both.
        MetadataHeaders.Write(metadata, request.Http.Response.Headers);
        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        if (metadata.Size is { } size) request.Http.Response.ContentLength = size;
    }

    /// <summary>The largest expiry-extension body read (the document is a few dozen bytes).</summary>
    private const int PatchBodyLimit = 64 * 1024;

    /// <summary>
    /// Expiry extension, in upstream's order (server post-0.2.0 <c>object_patch</c>): the JSON body (415/413/400/422),
    /// then <c>object.write</c> (403), then the grain's decision with the usecase's <c>expiration.max</c> as the cap:
    /// 204 extended or already later, 404 absent or expired (empty), 409 non-expiring or a concurrent change, 400 beyond
    /// the cap or beyond any timestamp. The resumable-upload parameters have no meaning here: 400.
    /// </summary>
    private static async Task PatchAsync(ApiRequest request, ObjectQuery query)
    {
        if (query.Target != ObjectQueryTarget.None)
            throw ApiException.ClientError($"`{ObjectQuery.UploadTypeParameter}` and `{ObjectQuery.SessionParameter}` are not accepted on PATCH");
        var id = request.ObjectId();
        var extension = await ExpiryRequestBody.ReadAsync(request.Http.Request, PatchBodyLimit, request.Aborted).ConfigureAwait(false);
        request.Authorize(Permissions.Write);
        var policies = request.Services.UsecasePolicies;
        extension = extension with
        {
            TtlMax = policies.MaxLifetime(id.Usecase, ExpirationKind.TimeToLive),
            TtiMax = policies.MaxLifetime(id.Usecase, ExpirationKind.TimeToIdle),
        };
        ExpiryResult result;
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            result = await request.Services.Backend.ExtendExpiryAsync(id, extension, request.Aborted).ConfigureAwait(false);
        switch (result)
        {
            case ExpiryResult.Extended or ExpiryResult.AlreadySatisfied:
                request.Http.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case ExpiryResult.NotFound:
                await ErrorResponses.WriteAsync(request.Http.Response, ApiError.Empty(404), request.Aborted).ConfigureAwait(false);
                return;
            case ExpiryResult.NotExpiring or ExpiryResult.Conflict:
                throw new ApiException(ApiError.Json(409, "expiry extension could not be satisfied"));
            case ExpiryResult.BeyondLimit:
                throw ApiException.ClientError($"expiration deadline exceeds the maximum lifetime from now for use case '{id.Usecase}'");
            default:
                throw ApiException.ClientError("expiration deadline is outside supported range");
        }
    }

    private static async Task DeleteAsync(ApiRequest request)
    {
        var id = request.ObjectId();
        request.Authorize(Permissions.Delete);
        using (await request.Services.ServiceLimiter.AcquireAsync(request.Aborted).ConfigureAwait(false))
            await request.Services.Backend.DeleteAsync(id, request.Aborted).ConfigureAwait(false);
        request.Http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Streams <paramref name="source"/> into the response through the pipe's own buffers, charging each chunk as it goes.</summary>
    private static async Task CopyAsync(Stream source, HttpResponse response, Action<int> charge, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        while (true)
        {
            var memory = writer.GetMemory(64 * 1024);
            var read = await source.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            charge(read);
            writer.Advance(read);
            var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCanceled || flush.IsCompleted) break;
        }
    }
}
