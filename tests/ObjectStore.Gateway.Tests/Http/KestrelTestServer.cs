using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Http;
using ObjectStore.Gateway.Http.Lowercase;

namespace ObjectStore.Gateway.Tests.Http;

/// <summary>A real Kestrel server on a free loopback port running one request delegate.</summary>
internal sealed class KestrelTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<KestrelTestServer> StartAsync(RequestDelegate handler, bool lowercase = true, HttpProtocols protocols = HttpProtocols.Http1,
        bool largeBlocks = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (largeBlocks) LargeBlockMemoryPool.Register(builder.Services);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("GATEWAY_TEST_LOG") == "1") builder.Logging.AddConsole();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = protocols;
                if (lowercase) listen.UseLowercaseResponseHeaders();
            });
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new KestrelTestServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
