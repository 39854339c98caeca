using System.Text.Json;
using ObjectStore.Bench.Suite.Client;
using ObjectStore.Bench.Suite.Memory;

namespace ObjectStore.Bench.Suite.Report;

/// <summary>The <c>report</c> command: reads bench/results/*.json (groups, memory, ping, cli-gib), draws the charts and writes docs/BENCHMARKS.md.</summary>
internal static class BenchmarksReport
{
    /// <summary>Regenerates the document; 0 on success, 1 when there is nothing to report.</summary>
    public static async Task<int> WriteAsync(ReportOptions options, TextWriter log, CancellationToken ct)
    {
        var groups = new List<SuiteGroup>();
        foreach (var name in SuiteOptions.AllGroups.Where(g => g != "memory"))
        {
            var path = Path.Combine(options.ResultsDirectory, name + ".json");
            if (File.Exists(path)) groups.Add(await SuiteJson.ReadAsync<SuiteGroup>(path, ct));
        }
        var memoryPath = Path.Combine(options.ResultsDirectory, "memory.json");
        var memory = File.Exists(memoryPath) ? await SuiteJson.ReadAsync<MemoryResults>(memoryPath, ct) : null;
        var pingPath = Path.Combine(options.ResultsDirectory, "ping.json");
        using var ping = File.Exists(pingPath) ? JsonDocument.Parse(await File.ReadAllTextAsync(pingPath, ct)) : null;
        var cliPath = Path.Combine(options.ResultsDirectory, "cli-gib.json");
        var cli = File.Exists(cliPath) ? await SuiteJson.ReadAsync<CliTransferResults>(cliPath, ct) : null;
        if (groups.Count == 0 && memory is null && ping is null && cli is null)
        {
            log.WriteLine($"nothing to report: no JSON in {options.ResultsDirectory} (run bench/run.sh)");
            return 1;
        }
        var charts = false;
        if (groups.FirstOrDefault(g => g.Group == "sweep") is { } sweep && options.Gnuplot is { } gnuplot)
            charts = await Charts.DrawAsync(sweep, options.ResultsDirectory, options.PlotScript, gnuplot, log, ct);
        var text = BenchmarksDocument.Markdown(new ReportInputs(groups, memory, ping, charts, options.WallTime, cli));
        await File.WriteAllTextAsync(options.Document, text, ct);
        log.WriteLine($"wrote {options.Document}{(charts ? " and the charts" : "")}");
        return 0;
    }
}
