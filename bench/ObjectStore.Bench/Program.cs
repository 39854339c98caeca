using ObjectStore.Bench;
using ObjectStore.Bench.Load;
using ObjectStore.Bench.Ping;
using ObjectStore.Bench.Suite;
using ObjectStore.Bench.Suite.Report;

// objectstore-bench <command> [options]; commands: ping (see PingOptions.Usage), load (see LoadOptions.Usage),
// suite and report (see SuiteCommands), cluster (see ClusterCommand), placement (see PlacementCommand).
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return args.Length > 0 && args[0] == "ping" ? await PingAsync(args[1..], cancel.Token)
    : args.Length > 0 && args[0] == "load" ? await LoadCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token)
    : args.Length > 0 && args[0] is "suite" or "report" ? await SuiteCommands.RunAsync(args[0], args[1..], cancel.Token)
    : args.Length > 0 && args[0] == "cluster" ? await ClusterCommand.RunAsync(args[1..], cancel.Token)
    : args.Length > 0 && args[0] == "placement" ? await PlacementCommand.RunAsync(args[1..], cancel.Token)
    : Usage();

static int Usage()
{
    Console.Error.WriteLine(PingOptions.Usage);
    Console.Error.WriteLine(LoadOptions.Usage);
    Console.Error.WriteLine(SuiteOptions.Usage);
    Console.Error.WriteLine(ReportOptions.Usage);
    Console.Error.WriteLine(ClusterCommand.Usage);
    Console.Error.WriteLine(PlacementCommand.Usage);
    return 2;
}

static async Task<int> PingAsync(string[] args, CancellationToken ct)
{
    PingOptions options;
    try
    {
        options = PingOptions.Parse(args);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine(PingOptions.Usage);
        return 2;
    }
    var machine = MachineInfo.Current();
    var results = await PingBenchmark.RunAsync(options, Console.Error, ct);
    Console.WriteLine(PingReport.Markdown(machine, options, results));
    if (options.JsonPath is not null) await PingReport.WriteJsonAsync(options.JsonPath, machine, options, results);
    return results.Any(r => r.Phase.Failed > 0) ? 1 : 0;
}
