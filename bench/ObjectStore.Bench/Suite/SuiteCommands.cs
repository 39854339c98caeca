using ObjectStore.Bench.Suite.Report;

namespace ObjectStore.Bench.Suite;

/// <summary>The <c>suite</c> and <c>report</c> commands.</summary>
internal static class SuiteCommands
{
    /// <summary>Runs <paramref name="command"/>; 0 on success, 1 when a measured op failed, 2 on bad options.</summary>
    public static async Task<int> RunAsync(string command, string[] args, CancellationToken ct)
    {
        if (command == "report")
            return Parse(() => ReportOptions.Parse(args), ReportOptions.Usage) is { } report ? await BenchmarksReport.WriteAsync(report, Console.Error, ct) : 2;
        if (Parse(() => SuiteOptions.Parse(args), SuiteOptions.Usage) is not { } options) return 2;
        try
        {
            var failed = await SuiteRunner.RunAsync(options, Console.Error, ct);
            if (failed > 0) Console.Error.WriteLine($"{failed} run(s) failed or lost data: not a result");
            return failed > 0 ? 1 : 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled; every server started was stopped");
            return 130;
        }
    }

    private static T? Parse<T>(Func<T> parse, string usage) where T : class
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            return null;
        }
    }
}
