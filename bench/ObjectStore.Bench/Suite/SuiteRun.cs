using System.Text.Json;
using System.Text.Json.Serialization;
using ObjectStore.Bench.Load;

namespace ObjectStore.Bench.Suite;

/// <summary>
/// One measured load run of the suite: which scenario (the unit baselines pair within), on which system, whether it is
/// a baseline, and the load generator's figures (or why there are none).
/// </summary>
internal sealed record SuiteRun
{
    /// <summary>The scenario; results and baselines pair within one scenario and concurrency.</summary>
    public required string Scenario { get; init; }

    /// <summary>The system measured (<see cref="Systems"/> names, or a variant such as "embedded batch").</summary>
    public required string System { get; init; }

    /// <summary>True for a baseline (the ceiling a result is divided by).</summary>
    public bool Baseline { get; init; }

    /// <summary>Operations in flight.</summary>
    public int Concurrency { get; init; }

    /// <summary>The figures, or null when the run could not be made.</summary>
    public LoadResult? Result { get; init; }

    /// <summary>Why the run has no figures, or null.</summary>
    public string? Error { get; init; }

    /// <summary>True when the run failed to run or lost/corrupted any operation.</summary>
    [JsonIgnore]
    public bool Failed => Result is null || Result.Failed;
}

/// <summary>The runs of one scenario group, as written to <c>bench/results/&lt;group&gt;.json</c>.</summary>
internal sealed record SuiteGroup
{
    /// <summary>The group name (small, medium, batch, large, hot-cold, sweep).</summary>
    public required string Group { get; init; }

    /// <summary>What the group measured, one line.</summary>
    public required string Description { get; init; }

    /// <summary>What it ran on.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>When the group started (UTC).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>Load averages when it started.</summary>
    public string LoadAverage { get; init; } = "";

    /// <summary>Whether it was a <c>--quick</c> smoke run.</summary>
    public bool Quick { get; init; }

    /// <summary>Every run, in order.</summary>
    public required IReadOnlyList<SuiteRun> Runs { get; init; }
}

/// <summary>The JSON settings of every suite file: camelCase, enums as names, indented.</summary>
internal static class SuiteJson
{
    /// <summary>The shared options.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/>, creating the directory.</summary>
    public static async Task WriteAsync<T>(string path, T value, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, value, Options, ct);
    }

    /// <summary>Reads a file written by <see cref="WriteAsync"/>.</summary>
    public static async Task<T> ReadAsync<T>(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(file, Options, ct) ?? throw new InvalidDataException($"{path} holds no value");
    }
}
