using System.Text.Json;

namespace ObjectStore.Bench.Load;

/// <summary>
/// A workload file (YAML or JSON) with objectstore's stresstest keys (§14.1) flattened to dotted names
/// (<c>file_sizes.p50</c>, <c>actions.writes</c>, <c>multipart.part_size</c>). The YAML reader takes the subset such
/// files use: nested mappings by indentation, scalar values, <c>#</c> comments; no lists or anchors.
/// </summary>
internal static class WorkloadFile
{
    /// <summary>The keys a workload file may hold.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "mode", "concurrency", "organizations", "file_sizes.p50", "file_sizes.p99", "file_sizes.max",
        "actions.writes", "actions.reads", "actions.deletes", "multipart.concurrency", "multipart.part_size",
        "duration", "ttl", "cleanup", "batch_size", "reads_pattern", "hot_keys", "prefill", "warmup", "seed",
    };

    /// <summary>Reads <paramref name="path"/>; JSON when it ends in .json or starts with '{', else YAML.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var text = File.ReadAllText(path);
        var values = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{') ? ParseJson(text) : ParseYaml(text);
        foreach (var key in values.Keys)
            if (!Keys.Contains(key)) throw new FormatException($"{path}: unknown workload key '{key}' (known: {string.Join(", ", Keys)})");
        return values;
    }

    /// <summary>Flattens a JSON object.</summary>
    public static Dictionary<string, string> ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(document.RootElement, "", values);
        return values;
    }

    /// <summary>Flattens the YAML subset.</summary>
    public static Dictionary<string, string> ParseYaml(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var stack = new List<(int Indent, string Prefix)>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = StripComment(raw.TrimEnd('\r'));
            if (line.Trim().Length == 0 || line.Trim() == "---") continue;
            var indent = line.Length - line.TrimStart(' ').Length;
            var content = line.Trim();
            if (content.StartsWith('-')) throw new FormatException($"line {number}: lists are not supported in a workload file");
            var colon = content.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new FormatException($"line {number}: expected 'key: value', got '{content}'");
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            var key = (stack.Count > 0 ? stack[^1].Prefix + "." : "") + content[..colon].Trim();
            var value = content[(colon + 1)..].Trim();
            if (value.Length == 0) stack.Add((indent, key));
            else values[key] = Unquote(value);
        }
        return values;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : prefix + "." + property.Name, values);
                break;
            case JsonValueKind.String:
                values[prefix] = element.GetString()!;
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                values[prefix] = element.GetRawText();
                break;
            case JsonValueKind.Null:
                values[prefix] = "none";
                break;
            default:
                throw new FormatException($"workload key '{prefix}': arrays are not supported");
        }
    }

    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
