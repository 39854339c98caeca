using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Bench.Ping;

/// <summary>
/// The Orleans 10.4.2 silos (and client) of one scenario, in this process over real TCP on loopback, and one grain
/// reference per worker: local: one silo, callers use its factory; cross-silo: silos A and B, callers use A's factory
/// on keys placed on B; client: one silo and an external Orleans client through its gateway.
/// </summary>
internal sealed class PingRig : IAsyncDisposable
{
    /// <summary>Keys tried per worker when looking for one that silo B owns (random placement: about half are).</summary>
    private const int MaxKeyProbes = 64;

    private readonly List<IHost> _hosts = [];
    private readonly string _cluster = "bench-" + Guid.NewGuid().ToString("N")[..8];
    private IPEndPoint? _primary;

    private PingRig() { }

    /// <summary>One grain per worker, as the callers see it.</summary>
    public IReadOnlyList<IBenchPingGrain> Grains { get; private set; } = [];

    /// <summary>Starts the silos of <paramref name="scenario"/> and resolves one grain per worker.</summary>
    public static async Task<PingRig> StartAsync(PingScenario scenario, int workers, CancellationToken cancellationToken)
    {
        var rig = new PingRig();
        try
        {
            rig.Grains = scenario switch
            {
                PingScenario.Local => await rig.LocalAsync(workers, cancellationToken),
                PingScenario.CrossSilo => await rig.CrossSiloAsync(workers, cancellationToken),
                PingScenario.Client => await rig.ClientAsync(workers, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
            };
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    private async Task<IBenchPingGrain[]> LocalAsync(int workers, CancellationToken cancellationToken)
    {
        var (factory, _) = await AddSiloAsync(cancellationToken);
        return [.. Enumerable.Range(0, workers).Select(w => factory.GetGrain<IBenchPingGrain>($"ping-{w}"))];
    }

    private async Task<IBenchPingGrain[]> CrossSiloAsync(int workers, CancellationToken cancellationToken)
    {
        var (a, _) = await AddSiloAsync(cancellationToken);
        var (_, b) = await AddSiloAsync(cancellationToken);
        var grains = new IBenchPingGrain[workers];
        for (var w = 0; w < workers; w++)
        {
            for (var probe = 0; grains[w] is null; probe++)
            {
                if (probe == MaxKeyProbes) throw new InvalidOperationException($"No key of {MaxKeyProbes} tried for worker {w} is placed on silo B.");
                var grain = a.GetGrain<IBenchPingGrain>($"ping-{w}-{probe}");
                if (await grain.SiloName(cancellationToken) == b) grains[w] = grain;
            }
        }
        return grains;
    }

    private async Task<IBenchPingGrain[]> ClientAsync(int workers, CancellationToken cancellationToken)
    {
        var (_, _, gateway) = await StartSiloAsync(cancellationToken);
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder.Logging);
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_cluster, _cluster));
            client.UseLocalhostClustering(gateway, _cluster, _cluster);
        });
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync(cancellationToken);
        var factory = host.Services.GetRequiredService<IGrainFactory>();
        return [.. Enumerable.Range(0, workers).Select(w => factory.GetGrain<IBenchPingGrain>($"ping-{w}"))];
    }

    private async Task<(IGrainFactory Factory, string Name)> AddSiloAsync(CancellationToken cancellationToken)
    {
        var (factory, name, _) = await StartSiloAsync(cancellationToken);
        return (factory, name);
    }

    private async Task<(IGrainFactory Factory, string Name, int GatewayPort)> StartSiloAsync(CancellationToken cancellationToken)
    {
        var siloPort = ObjectStore.Testing.ServerProcess.FreeLoopbackPort();
        var gatewayPort = ObjectStore.Testing.ServerProcess.FreeLoopbackPort();
        var name = $"bench-silo-{_hosts.Count}";
        _primary ??= new IPEndPoint(IPAddress.Loopback, siloPort);
        var primary = _primary;
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder.Logging);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary, _cluster, _cluster);
            silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
        });
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync(cancellationToken);
        return (host.Services.GetRequiredService<IGrainFactory>(), name, gatewayPort);
    }

    private static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
    }

    /// <summary>Stops the client and silos (newest first).</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _hosts[i].StopAsync(stop.Token); } catch (OperationCanceledException) { }
            _hosts[i].Dispose();
        }
    }
}
