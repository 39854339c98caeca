using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ObjectStore.Bench.Ping;

/// <summary>Writes ping results as a markdown table and as JSON.</summary>
internal static class PingReport
{
    /// <summary>The markdown table (one row per scenario), preceded by the machine and settings.</summary>
    public static string Markdown(MachineInfo machine, PingOptions options, IReadOnlyList<PingResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.MemoryGiB} GiB; {machine.Runtime}; server GC {machine.ServerGc}");
        s.AppendLine(c, $"Settings: {options.Workers} workers, blocks of {options.BlockSize} calls, {options.WarmupBlocks} warm-up blocks, cap {options.DurationCap.TotalSeconds} s");
        s.AppendLine();
        s.AppendLine("| scenario | run | blocks/worker | calls | failed | seconds | calls/s | p50 µs | p90 µs | p99 µs | max µs | alloc B/call | gen0/gen2 GCs | load avg before |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            s.AppendLine(c, $"| {r.Scenario}{(r.Phase.Capped ? " (capped)" : "")} | {r.Run} | {r.BlocksPerWorker} | {r.Phase.Completed:N0} | {r.Phase.Failed:N0} | {r.Phase.ElapsedSeconds:F2} | {r.Phase.CallsPerSecond:N0} | {r.P50Microseconds:N0} | {r.P90Microseconds:N0} | {r.P99Microseconds:N0} | {r.MaxMicroseconds:N0} | {r.AllocatedBytesPerCall:N0} | {r.Gen0Collections}/{r.Gen2Collections} | {r.LoadAverageBefore} |");
        }
        return s.ToString();
    }

    /// <summary>Writes the machine, settings and results to <paramref name="path"/>.</summary>
    public static async Task WriteJsonAsync(string path, MachineInfo machine, PingOptions options, IReadOnlyList<PingResult> results)
    {
        await using var file = File.Create(path);
        await using var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("benchmark", "ping");
        w.WriteString("measuredAt", DateTimeOffset.UtcNow);
        w.WriteStartObject("machine");
        w.WriteString("cpu", machine.Cpu);
        w.WriteNumber("cores", machine.Cores);
        w.WriteNumber("memoryGiB", machine.MemoryGiB);
        w.WriteString("runtime", machine.Runtime);
        w.WriteString("os", machine.Os);
        w.WriteBoolean("serverGc", machine.ServerGc);
        w.WriteEndObject();
        w.WriteStartObject("settings");
        w.WriteNumber("workers", options.Workers);
        w.WriteNumber("runs", options.Runs);
        w.WriteNumber("blockSize", options.BlockSize);
        w.WriteNumber("warmupBlocks", options.WarmupBlocks);
        w.WriteNumber("durationCapSeconds", options.DurationCap.TotalSeconds);
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("scenario", r.Scenario);
            w.WriteNumber("run", r.Run);
            w.WriteNumber("workers", r.Workers);
            w.WriteNumber("blockSize", r.BlockSize);
            w.WriteNumber("blocksPerWorker", r.BlocksPerWorker);
            w.WriteNumber("blocksCompleted", r.Phase.Blocks);
            w.WriteNumber("calls", r.Phase.Completed);
            w.WriteNumber("failed", r.Phase.Failed);
            w.WriteNumber("elapsedSeconds", Math.Round(r.Phase.ElapsedSeconds, 3));
            w.WriteBoolean("capped", r.Phase.Capped);
            w.WriteNumber("callsPerSecond", Math.Round(r.Phase.CallsPerSecond, 1));
            w.WriteNumber("p50Microseconds", Math.Round(r.P50Microseconds, 1));
            w.WriteNumber("p90Microseconds", Math.Round(r.P90Microseconds, 1));
            w.WriteNumber("p99Microseconds", Math.Round(r.P99Microseconds, 1));
            w.WriteNumber("maxMicroseconds", Math.Round(r.MaxMicroseconds, 1));
            w.WriteNumber("allocatedBytesPerCall", Math.Round(r.AllocatedBytesPerCall, 1));
            w.WriteNumber("gen0Collections", r.Gen0Collections);
            w.WriteNumber("gen2Collections", r.Gen2Collections);
            w.WriteString("loadAverageBefore", r.LoadAverageBefore);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
