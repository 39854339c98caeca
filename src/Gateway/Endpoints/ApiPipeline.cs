using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Diagnostics;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Diagnostics;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// The one request delegate of the HTTP API, in the processing order of api doc §3.1: route on the raw target
/// (404/405), internal endpoints (exempt from everything below), the web concurrency gate (503), authentication,
/// path decoding (400 text), killswitches (403 text), rate limits (429 text), then the endpoint. Every error
/// becomes an answer through <see cref="ErrorMapping"/>; only a dependency outage carries <c>Retry-After</c>, and
/// it is logged as one line without a stack trace (it is not a bug of ours). Each <c>/v1</c> request gets a span and
/// its metrics through <see cref="GatewayTelemetry"/>.
/// </summary>
internal sealed partial class ApiPipeline(GatewayServices services)
{
    /// <summary>Batch bodies may be up to 1 GiB; object bodies are unbounded.</summary>
    public const long BatchBodyLimit = 1L << 30;

    private const string ServerHeader = "objectstore/0.1.0";

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget)) rawTarget = http.Request.Path + http.Request.QueryString;
        var route = ApiRouter.Match(http.Request.Method, rawTarget);
        if (!route.IsMatch)
        {
            http.Response.Headers["server"] = ServerHeader;
            if (route.Allow is { } allow) http.Response.Headers["allow"] = allow;
            await ErrorResponses.WriteAsync(http.Response, ApiError.Empty(route.Status), http.RequestAborted).ConfigureAwait(false);
            return;
        }
        if (!route.HasObjectPath)
        {
            http.Response.Headers["server"] = ServerHeader;
            await InternalEndpoints.HandleAsync(http, route.Route, services).ConfigureAwait(false);
            return;
        }
        var operation = GatewayTelemetry.OperationOf(route.Route, http.Request.Method);
        using var activity = GatewayTelemetry.StartRequest(operation, http.Request.Method);
        var tier = StorageTelemetry.BeginRequest();
        if (GatewayTelemetry.IsLongTermOnly(operation)) tier.Tier = StorageTelemetry.LongTerm;
        var bytesIn = new RequestBytes();
        http.Features.Set(bytesIn);
        var bytesOut = CountingResponseBody.Install(http.Features);
        var started = Stopwatch.GetTimestamp();
        if (!services.WebGate.TryEnter())
        {
            GatewayTelemetry.WebRejected();
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.ContentLength = 0;
            Record();
            return;
        }
        try
        {
            http.Response.Headers["server"] = ServerHeader;
            await HandleAdmittedAsync(http, route).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var error = ErrorMapping.ToApiError(e, http.RequestAborted.IsCancellationRequested);
            if (error.RetryAfterSeconds is not null || error.Status == StatusCodes.Status507InsufficientStorage)
                LogDependencyFailed(services.Logger, http.Request.Method, route.RawPath, error.Detail, e.Message);
            else if (error.Status >= 500) LogFailed(services.Logger, e, http.Request.Method, route.RawPath);
            http.Response.Clear();
            http.Response.Headers["server"] = ServerHeader;
            // A request body that may be half read cannot be drained safely (objects are unbounded): close instead.
            if (!IsBodyDone(http)) http.Response.Headers["connection"] = "close";
            await ErrorResponses.WriteAsync(http.Response, error, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The answer has begun: all that is left is to cut the connection so the client sees a broken body.
            if (!http.RequestAborted.IsCancellationRequested) LogFailedAfterStart(services.Logger, e, http.Request.Method, route.RawPath);
            http.Abort();
        }
        finally
        {
            services.WebGate.Exit();
            Record();
        }

        void Record() => GatewayTelemetry.RecordRequest(activity, operation, route.RawUsecase, tier.Tier, http.Response.StatusCode,
            Stopwatch.GetElapsedTime(started).TotalSeconds, bytesIn.Count, bytesOut.Count);
    }

    private async Task HandleAdmittedAsync(HttpContext http, RouteMatch route)
    {
        var auth = services.Authenticator.Authenticate(AuthRequest.From(http));
        if (!route.TryDecodePath(out var path, out var pathError)) throw new ApiException(ApiError.Text(400, pathError));
        var service = http.Request.Headers.TryGetValue(DownstreamService.HeaderName, out var s) ? s.ToString() : null;
        if (services.Killswitches.IsKilled(path.Usecase, path.Scopes, service))
            throw new ApiException(ApiError.Text(403, Killswitches.RejectionText));
        if (!services.RateLimiter.TryAdmit(path.Usecase, path.Scopes))
            throw new ApiException(ApiError.Text(429, RateLimiter.RejectionText));
        var request = new ApiRequest(http, route, path, auth, services);
        switch (route.Route)
        {
            case ApiRoute.ObjectCollection or ApiRoute.Object:
                await ObjectEndpoints.HandleAsync(request).ConfigureAwait(false);
                break;
            case ApiRoute.MultipartCollection or ApiRoute.Multipart or ApiRoute.MultipartParts or ApiRoute.MultipartComplete:
                await MultipartEndpoints.HandleAsync(request).ConfigureAwait(false);
                break;
            case ApiRoute.Batch:
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = BatchBodyLimit;
                await BatchEndpoints.HandleAsync(request).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"route {route.Route} has no endpoint");
        }
    }

    private static bool IsBodyDone(HttpContext http) =>
        http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.Headers.ContainsKey("transfer-encoding"));

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: {Detail} ({Cause})")]
    private static partial void LogDependencyFailed(ILogger logger, string method, string path, string detail, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed after the response started; connection aborted")]
    private static partial void LogFailedAfterStart(ILogger logger, Exception exception, string method, string path);
}
