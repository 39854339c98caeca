using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace ObjectStore.Silo.Configuration;

/// <summary>Errors and warnings collected while binding, each naming its key, and the keys the binding read.</summary>
internal sealed class ConfigDiagnostics
{
    public List<string> Errors { get; } = [];

    public List<string> Warnings { get; } = [];

    /// <summary>Adds an error once: a table of the wrong shape is met by every key read through it.</summary>
    public void AddError(string error)
    {
        if (!Errors.Contains(error)) Errors.Add(error);
    }

    /// <summary>Every key path the binder asked for, present or not: what docs/configuration.md is checked against.</summary>
    public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tables the binder went into (<c>""</c> is the top level): a key under one of them that was not read is unknown.</summary>
    public HashSet<string> Opened { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Compares the configuration's keys with the ones the binding read: each key that no binding asked for (nor any
    /// key above it, for values read whole like <c>metrics.tags</c>) is a warning naming it at the level where it is
    /// unknown (<c>runtimes</c>, not <c>runtimes.worker_threads</c>). Unknown keys are ignored, as objectstore does.
    /// </summary>
    public void WarnUnknownKeys(IConfiguration configuration)
    {
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null) continue;
            var segments = key.Split(ConfigurationPath.KeyDelimiter);
            for (var n = segments.Length; n >= 0; n--)
            {
                var path = Dotted(segments, n);
                if (Opened.Contains(path))
                {
                    if (n < segments.Length) unknown.Add(Dotted(segments, n + 1));
                    break;
                }
                if (Read.Contains(path)) break;
            }
        }
        foreach (var key in unknown) Warnings.Add($"unknown configuration key '{key}' ignored");
    }

    /// <summary>The first <paramref name="count"/> segments as a dotted key, list indices as <c>[i]</c>.</summary>
    private static string Dotted(string[] segments, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && int.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out _)) text.Append('[').Append(segments[i]).Append(']');
            else text.Append(i == 0 ? "" : ".").Append(segments[i]);
        }
        return text.ToString();
    }
}
