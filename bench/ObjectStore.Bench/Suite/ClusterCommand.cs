using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using ObjectStore.Testing;

namespace ObjectStore.Bench.Suite;

/// <summary>
/// <c>objectstore-bench cluster</c>: a throwaway N-silo cluster on PostgreSQL + moto (the suite's 3-silo system) behind
/// one loopback address that hands each new connection to the next silo, kept up until SIGINT or SIGTERM. It lets a
/// client that knows one URL — the official Python client's own test suite (compat/python-client) — run against a
/// cluster whose requests land on every silo. The silos inherit this process's environment (e.g. <c>OS__AUTH__*</c>).
/// </summary>
internal static class ClusterCommand
{
    /// <summary>The command line.</summary>
    public const string Usage = "objectstore-bench cluster --silo PATH/objectstore.dll [--silos N] [--listen 127.0.0.1:PORT]";

    /// <summary>Runs the cluster until cancelled or SIGTERM; 0 on a clean stop, 2 on bad options.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        string? silo = null;
        var silos = 3;
        var listen = new IPEndPoint(IPAddress.Loopback, 0);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--silo" when value is not null: silo = value; i++; break;
                case "--silos" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0: silos = n; i++; break;
                case "--listen" when IPEndPoint.TryParse(value ?? "", out var endpoint) && IPAddress.IsLoopback(endpoint.Address): listen = endpoint; i++; break;
                default:
                    Console.Error.WriteLine($"bad option '{args[i]}'{(value is null ? "" : $" '{value}'")}");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        if (silo is null || !File.Exists(silo))
        {
            Console.Error.WriteLine($"--silo must name the built objectstore.dll{(silo is null ? "" : $" ('{silo}' does not exist)")}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var environment = await SuiteSystems.ClusterEnvironmentAsync(stop.Token);
        await using var fleet = await SiloFleet.StartAsync(silo, silos, environment, stop.Token,
            (index, line) => Console.Error.WriteLine($"[silo {index}] {line}"));
        await using var proxy = LoopbackProxy.Start(listen.Port, fleet.Ports.Select(p => new IPEndPoint(IPAddress.Loopback, p)).ToArray());
        Console.WriteLine($"http://127.0.0.1:{proxy.Port}");
        Console.Error.WriteLine($"cluster: {silos} silos on ports {string.Join(", ", fleet.Ports)} behind http://127.0.0.1:{proxy.Port}; SIGINT or SIGTERM stops it");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        Console.Error.WriteLine($"cluster: stopping ({proxy.Accepted} connections were forwarded)");
        return 0;
    }
}
