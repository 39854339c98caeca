using ObjectStore.Bench;
using ObjectStore.Bench.Ping;
using ObjectStore.Bench.Suite;

// objectstore-bench <command> [options]: ping (see PingOptions.Usage), suite and report (see SuiteCommands).
if (args.Length > 0 && args[0] is "suite" or "report") return await SuiteCommands.RunAsync(args[0], args[1..]);
if (args.Length == 0 || args[0] != "ping")
{
    Console.Error.WriteLine(PingOptions.Usage);
    return 2;
}

PingOptions options;
try
{
    options = PingOptions.Parse(args[1..]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(PingOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var machine = MachineInfo.Current();
var results = await PingBenchmark.RunAsync(options, Console.Error, cancel.Token);
Console.WriteLine(PingReport.Markdown(machine, options, results));
if (options.JsonPath is not null) await PingReport.WriteJsonAsync(options.JsonPath, machine, options, results);
return results.Any(r => r.Phase.Failed > 0) ? 1 : 0;
