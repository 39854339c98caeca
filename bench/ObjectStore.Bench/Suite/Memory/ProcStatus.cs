using System.Globalization;

namespace ObjectStore.Bench.Suite.Memory;

/// <summary>The memory lines of <c>/proc/&lt;pid&gt;/status</c>: resident set now and its high-water mark, in bytes.</summary>
internal readonly record struct ProcStatus(long RssBytes, long HwmBytes)
{
    /// <summary>Parses the <c>VmRSS</c> and <c>VmHWM</c> lines (kB); throws <see cref="FormatException"/> naming a missing or bad line.</summary>
    public static ProcStatus Parse(string text)
    {
        long? rss = null, hwm = null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("VmRSS:")) rss = Kilobytes(line, "VmRSS:");
            else if (line.StartsWith("VmHWM:")) hwm = Kilobytes(line, "VmHWM:");
        }
        return new ProcStatus(
            rss ?? throw new FormatException("no VmRSS line in the status text"),
            hwm ?? throw new FormatException("no VmHWM line in the status text"));
    }

    /// <summary>Reads the status of process <paramref name="pid"/>, or null once it has exited.</summary>
    public static ProcStatus? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (IOException) { return null; }
        catch (FormatException) { return null; } // a zombie has no Vm lines
    }

    private static long Kilobytes(ReadOnlySpan<char> line, string name)
    {
        var value = line[name.Length..].Trim();
        if (!value.EndsWith(" kB", StringComparison.Ordinal))
            throw new FormatException($"{name} is not in kB: '{line}'");
        if (!long.TryParse(value[..^3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            throw new FormatException($"{name} is not a number: '{line}'");
        return kb * 1024;
    }
}
