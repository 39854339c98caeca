using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ObjectStore.Bench.Load;
using ObjectStore.Grains.Objects;

namespace ObjectStore.Bench.Suite;

/// <summary>
/// <c>objectstore-bench placement</c>: where ObjectGrain activations land and what that costs HTTP requests. Three
/// silos on PostgreSQL + moto; requests arrive as from a load balancer that picks a silo at random for each request
/// (seeded): per key one PUT, then GETs and a HEAD, keys in parallel. Afterwards an Orleans client joins the cluster
/// and reads every object activation's silo (management grain); a request cost a cross-silo hop when it entered a
/// silo other than its key's activation. Reports the hop share (first request of a key vs the rest) and the
/// activations per silo.
/// </summary>
internal static partial class PlacementCommand
{
    /// <summary>The command line.</summary>
    public const string Usage = "objectstore-bench placement --silo PATH/objectstore.dll [--keys N] [--reads N] [--concurrency N] [--seed N] [--json PATH]";

    private const int Silos = 3;

    /// <summary>Runs the measurement; 0 when every request succeeded, 1 otherwise, 2 on bad options.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        string? silo = null, json = null;
        int keys = 600, reads = 4, concurrency = 16, seed = 20261205;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : (int?)null;
            switch (args[i])
            {
                case "--silo" when value is not null: silo = value; break;
                case "--json" when value is not null: json = value; break;
                case "--keys" when number is not null: keys = n; break;
                case "--reads" when number is not null: reads = n; break;
                case "--concurrency" when number is not null: concurrency = n; break;
                case "--seed" when number is not null: seed = n; break;
                default:
                    Console.Error.WriteLine($"bad option '{args[i]}'{(value is null ? "" : $" '{value}'")}");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
            i++;
        }
        if (silo is null || !File.Exists(silo))
        {
            Console.Error.WriteLine("--silo must name the built objectstore.dll");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var environment = await SuiteSystems.ClusterEnvironmentAsync(ct);
        var addresses = new string?[Silos];
        await using var fleet = await SiloFleet.StartAsync(silo, Silos, environment, ct, (index, line) =>
        {
            if (ThisSiloLine().Match(line) is { Success: true } m) Volatile.Write(ref addresses[index], m.Groups[1].Value);
        });
        var scopes = $"org={seed}";
        var entries = new ConcurrentDictionary<string, int[]>();
        var failures = 0;
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
        {
            var next = -1;
            await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), ct, async (worker, token) =>
            {
                var rng = new Rng((ulong)(seed + worker));
                for (var k = Interlocked.Increment(ref next); k < keys; k = Interlocked.Increment(ref next))
                {
                    var key = $"p-{k}";
                    var entered = new int[reads + 2];
                    for (var r = 0; r < entered.Length; r++)
                    {
                        entered[r] = rng.Next(Silos);
                        var url = new Uri($"http://127.0.0.1:{fleet.Ports[entered[r]]}/v1/objects/placement/{scopes}/{key}");
                        using var request = r == 0 ? new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(new byte[256]) }
                            : new HttpRequestMessage(r == entered.Length - 1 ? HttpMethod.Head : HttpMethod.Get, url);
                        using var response = await http.SendAsync(request, token);
                        if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
                    }
                    entries[key] = entered;
                }
            });
        }

        var activations = await ActivationSilosAsync(environment["OS__CLUSTER__MEMBERSHIP__CONNECTION_STRING"], ct);
        var siloIndex = Enumerable.Range(0, Silos).Where(i => addresses[i] is not null).ToDictionary(i => addresses[i]!, i => i);
        long first = 0, firstHops = 0, later = 0, laterHops = 0, unplaced = 0;
        var perSilo = new int[Silos];
        foreach (var (key, entered) in entries)
        {
            if (!activations.TryGetValue(ObjectGrainKey.Format("placement", ObjectGrainKey.ParseScopes(scopes), key), out var address)
                || !siloIndex.TryGetValue(address, out var home))
            {
                unplaced++;
                continue;
            }
            perSilo[home]++;
            first++;
            if (entered[0] != home) firstHops++;
            foreach (var e in entered.Skip(1))
            {
                later++;
                if (e != home) laterHops++;
            }
        }
        var result = new PlacementResult(keys, reads + 2, failures, unplaced, first, firstHops, later, laterHops, perSilo);
        Console.WriteLine(result.Markdown());
        if (json is not null) await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }), ct);
        return failures == 0 && unplaced == 0 ? 0 : 1;
    }

    /// <summary>Object grain key → the silo address (<c>SiloAddress.ToString()</c>) of its activation.</summary>
    private static async Task<Dictionary<string, string>> ActivationSilosAsync(string membership, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("objectstore", "objectstore"));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", membership));
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var statistics = await management.GetDetailedGrainStatistics();
            return statistics
                .Where(s => s.GrainId.Type.ToString() == "object")
                .ToDictionary(s => s.GrainId.Key.ToString()!, s => s.SiloAddress.ToString());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [GeneratedRegex(@"this silo is (\S+)")]
    private static partial Regex ThisSiloLine();
}

/// <summary>What <see cref="PlacementCommand"/> measured.</summary>
internal sealed record PlacementResult(int Keys, int RequestsPerKey, int Failed, long Unplaced, long FirstRequests, long FirstHops,
    long LaterRequests, long LaterHops, int[] ActivationsPerSilo)
{
    /// <summary>Share of all requests that entered a silo other than their key's activation.</summary>
    public double HopShare => (FirstHops + LaterHops) / (double)Math.Max(1, FirstRequests + LaterRequests);

    /// <summary>The result as a Markdown table.</summary>
    public string Markdown()
    {
        static string Share(long part, long whole) => whole == 0 ? "–" : (part / (double)whole).ToString("P1", CultureInfo.InvariantCulture);
        var mean = ActivationsPerSilo.Average();
        return $"""
            | requests ({Keys} keys × {RequestsPerKey}: PUT, GETs, HEAD; silo picked at random per request) | with a cross-silo hop |
            |---|---|
            | first request of a key (places the activation) | {Share(FirstHops, FirstRequests)} of {FirstRequests} |
            | later requests | {Share(LaterHops, LaterRequests)} of {LaterRequests} |
            | all | {Share(FirstHops + LaterHops, FirstRequests + LaterRequests)} |

            Activations per silo: {string.Join(" / ", ActivationsPerSilo)} (max/mean {ActivationsPerSilo.Max() / Math.Max(1, mean):F2}); failed requests {Failed}; keys without an activation found {Unplaced}.
            """;
    }
}
