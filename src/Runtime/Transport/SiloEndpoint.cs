using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ObjectStore.Runtime.Diagnostics;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Transport;

/// <summary>
/// The silo's internal endpoint: Kestrel, cleartext HTTP/2 only, one route. Each request:
/// 1. Cluster key compared in constant time; missing or wrong → 401, never dispatched.
/// 2. Silo no longer serving → 503. Body over the size limit → 413; malformed → 400.
/// 3. Not the owner per this silo's view (stateless workers excepted): forward once to the owner with the
///    remaining budget, relaying its answer. A message already forwarded, or one the owner refused, makes this silo
///    refresh its view: it serves the call if the key is now its own, else refuses with 421.
/// 4. Otherwise the call runs in the local catalog with the carried chain and deadline; the HTTP request's abort
///    cancels the grain's token. The response carries the result or the exception.
/// </summary>
internal sealed class SiloEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SiloRuntime _runtime;
    private readonly GrainCallRouter _router;
    private readonly byte[] _clusterKey;
    private int _inFlight;

    private SiloEndpoint(WebApplication app, SiloRuntime runtime, GrainCallRouter router, string clusterKey)
    {
        _app = app;
        _runtime = runtime;
        _router = router;
        _clusterKey = Encoding.UTF8.GetBytes(clusterKey);
    }

    /// <summary>The URL other silos use ("http://host:port").</summary>
    public string Address { get; private set; } = "";

    /// <summary>Requests being handled now (forwarded ones included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>False once the silo stopped admitting calls (answers 503).</summary>
    public bool Admitting { get; set; } = true;

    public static async Task<SiloEndpoint> StartAsync(SiloRuntime runtime, GrainCallRouter router, CancellationToken cancellationToken)
    {
        var options = runtime.Options;
        // The empty builder: no configuration files, watchers or logging providers, Kestrel without TLS or QUIC.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxMessageBytes;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(options.InternalEndpoint, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var endpoint = new SiloEndpoint(app, runtime, router, options.ClusterKey);
        app.Run(endpoint.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Address = options.AdvertisedAddress ?? bound.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1");
        return endpoint;
    }

    /// <summary>Stops gracefully (in-flight requests finish until the token fires, then are aborted).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    /// <summary>Stops at once, aborting every connection (a crash, as seen by callers).</summary>
    public Task KillAsync() => _app.StopAsync(new CancellationToken(canceled: true));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var presented = context.Request.Headers[WireFormat.ClusterKeyHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _clusterKey))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (context.Request.Path != WireFormat.Path || !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // Count first, then check: a stopping silo that closes admission and then waits for InFlight to reach
        // zero can never miss a call that slipped between the check and the count.
        Interlocked.Increment(ref _inFlight);
        if (!Admitting)
        {
            Interlocked.Decrement(ref _inFlight);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        byte[]? body = null;
        try
        {
            var max = _runtime.Options.MaxMessageBytes;
            if (context.Request.ContentLength > max)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            int length;
            (body, length) = await PooledBody.ReadAsync(context.Request.Body, context.Request.ContentLength ?? 0, max, context.RequestAborted).ConfigureAwait(false);
            await DispatchAsync(context, body, length).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            _runtime.Logger.LogWarning("Malformed grain message: {Error}", e.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        finally
        {
            if (body is not null) ArrayPool<byte>.Shared.Return(body);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task DispatchAsync(HttpContext context, byte[] body, int length)
    {
        var received = Environment.TickCount64;
        var header = WireFormat.ReadRequestHeader(body.AsSpan(0, length));
        var type = _runtime.FindType(header.GrainType);
        if (type is null)
        {
            await RespondErrorAsync(context, new InvalidOperationException($"Grain type '{header.GrainType}' is not registered on this silo.")).ConfigureAwait(false);
            return;
        }
        var id = new Grains.GrainId(header.GrainType, header.Key);
        if (!type.IsStatelessWorker && !OwnsKey(id, out var owner))
        {
            var forwarded = (header.Flags & WireFormat.ForwardedFlag) != 0;
            if (!forwarded && owner is not null)
            {
                var remaining = header.BudgetMs - (uint)Math.Min(header.BudgetMs, Environment.TickCount64 - received);
                if (await ForwardAsync(context, owner.Endpoint, body, length, remaining).ConfigureAwait(false)) return;
            }
            // The sender thought we own the key, or the owner we knew refused it: our view may be stale too.
            // Refresh it and serve here if the key is ours now; otherwise refuse so the caller refreshes.
            await _router.RefreshViewAsync(context.RequestAborted).ConfigureAwait(false);
            if (!OwnsKey(id, out _))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                return;
            }
        }
        var request = type.CreateRequest(header.MethodId);
        if (request is null)
        {
            await RespondErrorAsync(context, new NotSupportedException($"Grain type '{header.GrainType}' has no method {header.MethodId}.")).ConfigureAwait(false);
            return;
        }
        ReadArguments(request, body.AsSpan(header.ArgumentsOffset, length - header.ArgumentsOffset));
        var call = new GrainCall(id, request, header.Chain, received + header.BudgetMs, context.RequestAborted);
        try
        {
            if (!_runtime.Catalog.TryDispatch(call, type))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            try
            {
                await call.Task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await RespondErrorAsync(context, e).ConfigureAwait(false);
                return;
            }
            var writer = new GrainWriter(64);
            try
            {
                WireFormat.WriteSuccess(ref writer, request);
            }
            catch (Exception e)
            {
                writer.Dispose();
                await RespondErrorAsync(context, e).ConfigureAwait(false);
                return;
            }
            var response = writer.Detach(out var responseLength);
            await WriteAsync(context, response, responseLength).ConfigureAwait(false);
        }
        finally
        {
            call.Release();
        }
    }

    private static void ReadArguments(GrainRequest request, ReadOnlySpan<byte> arguments)
    {
        var reader = new GrainReader(arguments);
        request.ReadArguments(ref reader);
    }

    private bool OwnsKey(Grains.GrainId id, out Membership.SiloInfo? owner)
    {
        owner = _router.Placement.Owner(id.Hash);
        return owner is not null && owner.SiloId == _runtime.SiloId;
    }

    /// <summary>Relays the call to its owner; false when the owner refused it undelivered (421, 503, no connection).</summary>
    private async Task<bool> ForwardAsync(HttpContext context, string endpoint, byte[] body, int length, uint remainingMs)
    {
        RuntimeMetrics.Forwards.Add(1);
        WireFormat.PatchForForward(body.AsSpan(0, length), remainingMs);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cts.CancelAfter(TimeSpan.FromMilliseconds(remainingMs));
        try
        {
            using var response = await _router.Connector.SendAsync(endpoint, body, length, cts.Token).ConfigureAwait(false);
            if (response.Status is HttpStatusCode.MisdirectedRequest or HttpStatusCode.ServiceUnavailable) return false;
            context.Response.StatusCode = (int)response.Status;
            context.Response.ContentLength = response.Body.Length;
            if (response.Body.Length > 0) await context.Response.Body.WriteAsync(response.BodyMemory, context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            await RespondErrorAsync(context, e is OperationCanceledException
                ? new GrainTimeoutException("Forwarded call passed its deadline.")
                : new SiloUnavailableException($"Silo {endpoint} failed with a forwarded call in flight; its outcome is unknown.")).ConfigureAwait(false);
            return true;
        }
    }

    private static async Task RespondErrorAsync(HttpContext context, Exception error)
    {
        var writer = new GrainWriter(128);
        WireFormat.WriteError(ref writer, error);
        var buffer = writer.Detach(out var length);
        await WriteAsync(context, buffer, length).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, byte[] buffer, int length)
    {
        try
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = length;
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, length), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller went away; nothing to tell it.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
