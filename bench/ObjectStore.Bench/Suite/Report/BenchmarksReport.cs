using System.Text.Json;
using ObjectStore.Bench.Suite.Failover;
using ObjectStore.Bench.Suite.Client;
using ObjectStore.Bench.Suite.Memory;

namespace ObjectStore.Bench.Suite.Report;

/// <summary>The <c>report</c> command: reads bench/results/*.json (groups, memory, ping, cli-gib), draws the charts and writes docs/BENCHMARKS.md.</summary>
internal static class BenchmarksReport
{
    /// <summary>Regenerates the document; 0 on success, 1 when there is nothing to report.</summary>
    public static async Task<int> WriteAsync(ReportOptions options, TextWriter log, CancellationToken ct)
    {
        var groups = await GroupsAsync(options.ResultsDirectory, ct);
        var memory = await ReadAsync<MemoryResults>(options.ResultsDirectory, "memory", ct);
        var failover = await ReadAsync<FailoverResults>(options.ResultsDirectory, "failover", ct);
        using var ping = await PingAsync(options.ResultsDirectory, ct);
        var before = await BeforeAsync(options.BeforeDirectory, ct);
        var cli = await ReadAsync<CliTransferResults>(options.ResultsDirectory, "cli-gib", ct);
        if (groups.Count == 0 && memory is null && ping is null && failover is null && cli is null)
        {
            log.WriteLine($"nothing to report: no JSON in {options.ResultsDirectory} (run bench/run.sh)");
            return 1;
        }
        var charts = false;
        if (groups.FirstOrDefault(g => g.Group == "sweep") is { } sweep && options.Gnuplot is { } gnuplot)
            charts = await Charts.DrawAsync(sweep, options.ResultsDirectory, options.PlotScript, gnuplot, log, ct);
        var text = BenchmarksDocument.Markdown(new ReportInputs(groups, memory, ping, charts, options.WallTime) { Failover = failover, Before = before, Cli = cli });
        await File.WriteAllTextAsync(options.Document, text, ct);
        log.WriteLine($"wrote {options.Document}{(charts ? " and the charts" : "")}");
        return 0;
    }

    private static async Task<List<SuiteGroup>> GroupsAsync(string directory, CancellationToken ct)
    {
        var groups = new List<SuiteGroup>();
        foreach (var name in SuiteOptions.AllGroups.Where(g => !SuiteOptions.SpecialGroups.Contains(g)))
            if (await ReadAsync<SuiteGroup>(directory, name, ct) is { } group) groups.Add(group);
        return groups;
    }

    private static async Task<T?> ReadAsync<T>(string directory, string name, CancellationToken ct) where T : class
    {
        var path = Path.Combine(directory, name + ".json");
        return File.Exists(path) ? await SuiteJson.ReadAsync<T>(path, ct) : null;
    }

    private static async Task<JsonDocument?> PingAsync(string directory, CancellationToken ct)
    {
        var path = Path.Combine(directory, "ping.json");
        return File.Exists(path) ? JsonDocument.Parse(await File.ReadAllTextAsync(path, ct)) : null;
    }

    /// <summary>The earlier build's results kept for comparison: its group files and its <c>label.txt</c> naming the build.</summary>
    private static async Task<EarlierBuild?> BeforeAsync(string? directory, CancellationToken ct)
    {
        if (directory is null || !Directory.Exists(directory)) return null;
        var labelPath = Path.Combine(directory, "label.txt");
        var label = File.Exists(labelPath) ? (await File.ReadAllTextAsync(labelPath, ct)).Trim() : directory;
        using var ping = await PingAsync(directory, ct);
        return new EarlierBuild(label, await GroupsAsync(directory, ct), ping?.RootElement.Clone());
    }
}
