using System.Net;
using System.Text;
using System.Text.Json;
using ObjectStore.Client.Auth;
using Polly;
using Polly.Timeout;

namespace ObjectStore.Client.Http;

/// <summary>
/// The HTTP side shared by every session of a client: URLs under the base address, the auth header, and the resilience
/// pipelines (Polly: retry with exponential backoff and jitter for idempotent requests, a per-attempt timeout until the
/// response headers for requests whose body is in memory). A fresh request is built for every attempt, so a retried
/// request carries a fresh token and a reopened body.
/// </summary>
internal sealed class Transport
{
    private readonly HttpClient _http;
    private readonly string _origin;
    private readonly ResiliencePipelines _pipelines;

    public Transport(HttpClient http, ObjectStoreClientOptions options, TokenMinter? minter, TimeProvider? time = null, ResiliencePipelines? pipelines = null)
    {
        TimeProvider = time ?? TimeProvider.System;
        _http = http;
        Options = options;
        Minter = minter;
        var baseAddress = options.BaseAddress!;
        _origin = baseAddress.GetLeftPart(UriPartial.Authority);
        BasePath = baseAddress.AbsolutePath.TrimEnd('/');
        _pipelines = pipelines ?? new ResiliencePipelines(options);
    }

    public ObjectStoreClientOptions Options { get; }

    /// <summary>The clock of pre-signed URLs (tests pin it).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The signing key's minter; null with a static token or no auth.</summary>
    public TokenMinter? Minter { get; }

    /// <summary>The base address's path without its trailing slash (already percent-encoded as given).</summary>
    public string BasePath { get; }

    /// <summary>The absolute URL for an encoded path and query, sent exactly as built (no dot-segment or escape normalization).</summary>
    public Uri Url(string encodedPathAndQuery) =>
        new(_origin + encodedPathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    /// <summary>The <c>x-os-auth</c> value for a usecase and scope, or null without auth.</summary>
    public string? AuthHeader(Usecase usecase, Scope scope) =>
        Minter is not null ? "Bearer " + Minter.Mint(usecase.Name, scope)
        : Options.Token is { } token ? "Bearer " + token
        : null;

    /// <summary>Sends a request built by <paramref name="build"/> per attempt; returns once the response headers are in.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, Attempt attempt, bool timed, CancellationToken cancellationToken)
    {
        var pipeline = _pipelines.For(attempt, timed);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(static async (ctx, state) =>
            {
                try
                {
                    using var request = state.build();
                    var response = await state.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken).ConfigureAwait(false);
                    return Outcome.FromResult(response);
                }
                catch (OperationCanceledException e) when (!ctx.CancellationToken.IsCancellationRequested && e.InnerException is TimeoutException timeout)
                {
                    // The connect timeout surfaces as a cancellation nobody asked for; it is a timeout, and transient.
                    return Outcome.FromException<HttpResponseMessage>(new TimeoutException(timeout.Message, e));
                }
                catch (Exception e)
                {
                    return Outcome.FromException<HttpResponseMessage>(e);
                }
            }, context, (build, http: _http)).ConfigureAwait(false);
            if (outcome.Exception is TimeoutRejectedException timeout)
                throw new TimeoutException($"the server did not answer within {Options.RequestTimeout}", timeout);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Reads an error answer (at most 64 KiB of it) into an exception naming the operation.</summary>
    public static async Task<ObjectStoreException> ErrorAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64 * 1024];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0) total += n;
            body = Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (HttpRequestException)
        {
            body = "";
        }
        return Error((int)response.StatusCode, body, operation);
    }

    /// <summary>An exception for a status and body; the message carries the server's <c>detail</c> when the body is JSON.</summary>
    public static ObjectStoreException Error(int status, string body, string operation)
    {
        var detail = body;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                detail = d.GetString()!;
        }
        catch (JsonException)
        {
            // Plain-text and empty bodies are messages as they are.
        }
        var reason = Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "";
        var message = $"{operation} failed with {status} {reason}".TrimEnd() + (detail.Length > 0 ? ": " + detail : "");
        return new ObjectStoreException(status, body, message);
    }
}
