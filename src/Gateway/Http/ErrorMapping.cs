using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// The one place where exceptions become HTTP answers (api doc §4). Handlers throw typed errors; a client that
/// went away or sent a malformed body gets a 400, a dependency outage a 503 + <c>Retry-After</c> (or 507 for a
/// full disk, <see cref="DependencyFailure"/>); everything unknown is a 500 <c>service error</c> whose causes are
/// the inner exception messages.
/// </summary>
internal static class ErrorMapping
{
    /// <summary>
    /// Maps <paramref name="exception"/>; <paramref name="requestAborted"/> says whether the client went
    /// away, which turns cancellations and resets into the 400 of a broken upload stream.
    /// </summary>
    public static ApiError ToApiError(Exception exception, bool requestAborted = false)
    {
        switch (exception)
        {
            case ApiException api:
                return api.InnerException is null || api.Error.Causes.Count > 0 || api.Error.Body != ErrorBodyKind.Json
                    ? api.Error
                    : api.Error with { Causes = CausesOf(api) };
            case AuthException auth:
                return ApiError.Json(auth.StatusCode, auth.Detail);
            case UsecasePolicyException policy:
                return ApiError.Json(400, policy.Detail);
            case AtCapacityException:
                return ApiError.Json(429, AtCapacityException.Detail);
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return ApiError.Json(413, "client error: request body too large");
            case BadHttpRequestException bad:
                return ApiError.Json(400, "client error: failed to read request body", CausesOf(bad, includeSelf: true));
            case ConnectionResetException reset:
                return ApiError.Json(400, "client error: failed to read request body", CausesOf(reset, includeSelf: true));
            case IOException when IsRequestBodyFraming(exception):
                return ApiError.Json(400, "client error: failed to read request body", CausesOf(exception, includeSelf: true));
            case Exception when requestAborted:
                // Whatever broke once the client left (a cancelled read, a reset, a pipe read the abort left pending)
                // was caused by the client: nobody reads this answer, and it must not count as a server error.
                return ApiError.Json(400, "client error: request aborted");
            case UploadNotFoundException notFound:
                return ApiError.Json(404, "service error: multipart upload not found", CausesOf(notFound, includeSelf: true));
            case PartIntegrityException integrity:
                return ApiError.Json(400, "service error: " + integrity.Message);
            case NotSupportedException:
                return ApiError.Json(501, "service error: not implemented");
            case Grains.Objects.CallDeadlinePassedException late:
                return ApiError.Json(503, "service unavailable: the request waited too long in the cluster; retry it", late.Message)
                    with { RetryAfterSeconds = DependencyFailure.RetryAfterSeconds };
            case Grains.Objects.UnknownLargeWriteException abandoned:
                // Nothing was stored and nothing is wrong with the request: sending it again succeeds.
                return ApiError.Json(503, "service unavailable: the upload was abandoned before its commit (held too long, or its silo died); send it again", abandoned.Message)
                    with { RetryAfterSeconds = DependencyFailure.RetryAfterSeconds };
            default:
                return DependencyFailure.ToApiError(exception)
                    ?? ApiError.Json(500, "service error: " + exception.Message, CausesOf(exception));
        }
    }

    /// <summary>
    /// True for the IOException Kestrel throws from its own request-body parser (e.g. a chunk size that overflows:
    /// "Bad chunk size data"), which, unlike its other framing errors, is no <see cref="BadHttpRequestException"/>.
    /// </summary>
    private static bool IsRequestBodyFraming(Exception exception) =>
        exception.TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true;

    private static string[] CausesOf(Exception exception, bool includeSelf = false)
    {
        var causes = new List<string>();
        if (includeSelf) causes.Add(exception.Message);
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException) causes.Add(inner.Message);
        return causes.ToArray();
    }
}
