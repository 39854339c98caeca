using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ObjectStore.Gateway.Http.Lowercase;

/// <summary>
/// Kestrel connection middleware that sends every HTTP/1.1 response header name in lowercase
/// (api doc §0.1: the Python client matches names case-sensitively, Kestrel title-cases known ones).
/// Values and bodies are never changed. HTTP/2 connections are left alone (their names are lowercase).
/// </summary>
public static class LowercaseResponseHeaders
{
    /// <summary>Adds the rewriting to this endpoint; call it after <c>UseHttps</c> when TLS is used.</summary>
    public static ListenOptions UseLowercaseResponseHeaders(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        if (listenOptions.Protocols == HttpProtocols.Http2) return listenOptions;
        listenOptions.Use(next => connection => OnConnectionAsync(connection, next));
        return listenOptions;
    }

    private static async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var alpn = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol;
        if (alpn is { IsEmpty: false } protocol && protocol.Span.SequenceEqual("h2"u8))
        {
            await next(connection).ConfigureAwait(false);
            return;
        }
        var original = connection.Transport;
        var methods = new RequestMethodQueue();
        connection.Transport = new Transport(
            new ObservingPipeReader(original.Input, new Http1MessageFramer(isResponse: false, methods)),
            new LowercasingPipeWriter(original.Output, new Http1MessageFramer(isResponse: true, methods)));
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = original;
        }
    }

    private sealed class Transport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
