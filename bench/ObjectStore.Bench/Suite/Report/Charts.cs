using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ObjectStore.Bench.Suite.Report;

/// <summary>The concurrency-sweep charts: gnuplot data files from the sweep runs, then <c>bench/plot.gnuplot</c>.</summary>
internal static class Charts
{
    /// <summary>The PNG files the script writes, relative to the results directory.</summary>
    public static readonly IReadOnlyList<string> Files = ["sweep-throughput.png", "sweep-p99.png"];

    /// <summary>The data file name of a system (no spaces or '+', which gnuplot's word lists cannot carry).</summary>
    public static string DataName(string system) => system.Split(' ')[0];

    /// <summary>One data file text per system: "concurrency ops/s p99-ms" lines in rising concurrency (failed runs left out).</summary>
    public static IReadOnlyDictionary<string, string> DataFiles(SuiteGroup sweep)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var system in sweep.Runs.Select(r => r.System).Distinct())
        {
            var s = new StringBuilder("# concurrency ops_per_second p99_ms\n");
            foreach (var run in sweep.Runs.Where(r => r.System == system && !r.Failed).OrderBy(r => r.Concurrency))
                s.AppendLine(CultureInfo.InvariantCulture, $"{run.Concurrency} {run.Result!.Total.OpsPerSecond:F1} {run.Result.Total.LatencyP99Ms:F3}");
            files[DataName(system)] = s.ToString();
        }
        return files;
    }

    /// <summary>Writes the data files under <paramref name="resultsDirectory"/> and runs gnuplot; false with the reason logged when it could not.</summary>
    public static async Task<bool> DrawAsync(SuiteGroup sweep, string resultsDirectory, string script, string gnuplot, TextWriter log, CancellationToken ct)
    {
        if (!File.Exists(gnuplot))
        {
            log.WriteLine($"no charts: {gnuplot} is missing (apt-get install gnuplot-nox)");
            return false;
        }
        var dataDirectory = Path.Combine(resultsDirectory, "chart-data");
        Directory.CreateDirectory(dataDirectory);
        var files = DataFiles(sweep);
        foreach (var (name, text) in files) await File.WriteAllTextAsync(Path.Combine(dataDirectory, name + ".dat"), text, ct);
        var psi = new ProcessStartInfo(gnuplot) { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add($"datadir='{dataDirectory}'; outdir='{resultsDirectory}'; systems='{string.Join(' ', files.Keys)}'");
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {gnuplot}");
        var errors = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode == 0) return true;
        log.WriteLine($"gnuplot failed ({process.ExitCode}): {errors}");
        return false;
    }
}
