// A sample Orleans service calling ObjectStore's grains inside the cluster: it joins the cluster as an Orleans client
// through the PostgreSQL membership the silos use, and puts, gets or deletes one object through IObjectGrain.
//
//   objectstore-orleans-client --postgres CONNSTRING [--cluster-id ID] put USECASE SCOPES KEY [FILE|-]
//   objectstore-orleans-client --postgres CONNSTRING [--cluster-id ID] get USECASE SCOPES KEY      (bytes to stdout)
//   objectstore-orleans-client --postgres CONNSTRING [--cluster-id ID] delete USECASE SCOPES KEY
//
// SCOPES is objectstore's path form: org=1;project=2, or _ for none. Objects up to the silos' inline threshold (1 MiB)
// go through the grain; larger ones are refused by the grain with a message naming the HTTP path, and a get of a large
// object says to read it over HTTP.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Objects;
using ObjectStore.Samples.OrleansClient;

if (!SampleCommand.TryParse(args, out var command, out var error))
{
    Console.Error.WriteLine($"objectstore-orleans-client: {error}");
    Console.Error.WriteLine(SampleCommand.Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// A start-up failure is reported once, below, in one line.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
builder.UseOrleansClient(client =>
{
    client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (command.ClusterId, command.ClusterId));
    client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", command.Postgres));
});
using var host = builder.Build();
try
{
    await host.StartAsync();
}
catch (Exception e)
{
    // No reachable membership database or no silo of that cluster id: say so, no stack trace.
    Console.Error.WriteLine($"objectstore-orleans-client: cannot join cluster '{command.ClusterId}': {e.GetBaseException().Message}");
    return 1;
}
try
{
    var grain = host.Services.GetRequiredService<IGrainFactory>()
        .GetGrain<IObjectGrain>(ObjectGrainKey.Format(command.Usecase, ObjectGrainKey.ParseScopes(command.Scopes), command.Key));
    switch (command.Verb)
    {
        case "put":
            var payload = await ReadInputAsync(command.File);
            var stored = await grain.PutInline(new ObjectInfo(), payload);
            Console.Error.WriteLine($"stored {stored.Size} bytes at {stored.TimeCreated:O}");
            return 0;
        case "get":
            var read = await grain.Get();
            switch (read.Kind)
            {
                case ObjectReadKind.Inline:
                    await using (var stdout = Console.OpenStandardOutput()) await stdout.WriteAsync(read.Payload);
                    return 0;
                case ObjectReadKind.LongTerm:
                    Console.Error.WriteLine($"the object ({read.Metadata!.Size} bytes) is in the long-term tier: read it over HTTP, GET /v1/objects/{command.Usecase}/{command.Scopes}/{Uri.EscapeDataString(command.Key)}");
                    return 3;
                default:
                    Console.Error.WriteLine("not found");
                    return 1;
            }
        default:
            await grain.Delete();
            return 0;
    }
}
catch (ArgumentException e)
{
    // The grain's refusals (payload over the inline threshold, invalid metadata or key) are the caller's to fix.
    Console.Error.WriteLine($"objectstore-orleans-client: {e.Message}");
    return 2;
}
finally
{
    await host.StopAsync();
}

static async Task<byte[]> ReadInputAsync(string? file)
{
    if (file is not null and not "-") return await File.ReadAllBytesAsync(file);
    using var buffer = new MemoryStream();
    await using (var stdin = Console.OpenStandardInput()) await stdin.CopyToAsync(buffer);
    return buffer.ToArray();
}
