using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ObjectStore.Bench.Load;

/// <summary>Load results as a markdown table and as JSON.</summary>
public static class LoadReport
{
    /// <summary>One markdown table: a row per run and operation type.</summary>
    public static string Markdown(IEnumerable<LoadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var list = results.ToList();
        var text = new StringBuilder();
        if (list.Count > 0)
        {
            var m = list[0].Machine;
            text.AppendLine(Invariant($"Machine: {m.Cpu}, {m.Cores} cores, {m.MemoryGiB} GiB, {m.Runtime}, {m.Os}, server GC {m.ServerGc}."));
            text.AppendLine();
        }
        text.AppendLine("| workload | target | mode | conc. | op | count | failed | ops/s | MiB/s | size avg | size p50 | size p99 | lat avg ms | p50 | p90 | p99 | max |");
        text.AppendLine("|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var result in list)
        {
            var rows = result.Operations.Where(o => o.Key != "cleanup").Select(o => (o.Key, o.Value)).ToList();
            if (rows.Count > 1) rows.Add(("total", result.Total));
            if (result.Operations.TryGetValue("cleanup", out var cleanup)) rows.Add(("cleanup", cleanup));
            foreach (var (op, s) in rows)
            {
                text.AppendLine(Invariant(
                    $"| {result.Spec.Name} | {result.TargetKind} | {result.Spec.Mode.ToString().ToLowerInvariant()} | {result.Spec.Concurrency} | {op} | {s.Count} | {s.Failures} | {s.OpsPerSecond:0} | {s.BytesPerSecond / (1024 * 1024):0.0} | {Size(s.SizeAvg)} | {Size(s.SizeP50)} | {Size(s.SizeP99)} | {s.LatencyAvgMs:0.00} | {s.LatencyP50Ms:0.00} | {s.LatencyP90Ms:0.00} | {s.LatencyP99Ms:0.00} | {s.LatencyMaxMs:0.00} |"));
            }
        }
        foreach (var result in list)
        {
            foreach (var (op, s) in result.Operations.Where(o => o.Value.FirstError is not null))
                text.AppendLine(Invariant($"\n{result.Spec.Name} on {result.TargetKind}, first {op} error: {s.FirstError}"));
        }
        return text.ToString();
    }

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> as a JSON array.</summary>
    public static async Task WriteJsonAsync(string path, IEnumerable<LoadResult> results, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(results);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, results.ToList(), LoadJsonContext.Default.ListLoadResult, ct);
    }

    /// <summary>Reads results written by <see cref="WriteJsonAsync"/>.</summary>
    public static async Task<IReadOnlyList<LoadResult>> ReadJsonAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(file, LoadJsonContext.Default.ListLoadResult, ct)
            ?? throw new FormatException($"{path} holds no load results");
    }

    /// <summary>A byte count in B/KiB/MiB/GiB.</summary>
    internal static string Size(double bytes) => bytes switch
    {
        < 1024 => Invariant($"{bytes:0} B"),
        < 1024 * 1024 => Invariant($"{bytes / 1024:0.#} KiB"),
        < 1024L * 1024 * 1024 => Invariant($"{bytes / (1024 * 1024):0.#} MiB"),
        _ => Invariant($"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Source-generated JSON for load results (camelCase, enums as strings).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<LoadResult>))]
[JsonSerializable(typeof(string))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
