using System.Diagnostics;
using System.Globalization;
using ObjectStore.Client;

namespace ObjectStore.Silo.ClientCli;

/// <summary>
/// A one-line progress bar redrawn in place on a terminal: bar and percentage when the size is known, then bytes, rate
/// and ETA. Redrawn at most ten times a second, so a fast transfer does not spend its time on the terminal.
/// </summary>
internal sealed class ProgressBar(TextWriter terminal) : IProgress<TransferProgress>
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private long? _total;
    private long _bytes;
    private TimeSpan _nextDraw = TimeSpan.Zero;

    /// <summary>Sets the size when known before the first report.</summary>
    public void Start(long? total)
    {
        lock (_gate) _total ??= total;
    }

    public void Report(TransferProgress value)
    {
        lock (_gate)
        {
            _bytes = Math.Max(_bytes, value.BytesTransferred);
            _total ??= value.TotalBytes;
            if (_clock.Elapsed < _nextDraw) return;
            _nextDraw = _clock.Elapsed + TimeSpan.FromMilliseconds(100);
            terminal.Write("\r" + Render(_bytes, _total, _clock.Elapsed) + "\u001b[K");
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            terminal.Write("\r" + Render(_bytes, _total ?? _bytes, _clock.Elapsed) + "\u001b[K\n");
            terminal.Flush();
        }
    }

    internal static string Render(long bytes, long? total, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? bytes / elapsed.TotalSeconds : 0;
        var text = "";
        if (total is { } size && size > 0)
        {
            var fraction = Math.Clamp((double)bytes / size, 0, 1);
            var filled = (int)(fraction * Width);
            text = "[" + new string('#', filled) + new string('.', Width - filled) + "] "
                + (fraction * 100).ToString("0", CultureInfo.InvariantCulture).PadLeft(3) + "% ";
            text += $"{Size(bytes)} / {Size(size)}";
            if (rate > 0 && bytes < size) text += $"  {Size((long)rate)}/s  ETA {Eta(TimeSpan.FromSeconds((size - bytes) / rate))}";
            else text += $"  {Size((long)rate)}/s";
        }
        else
        {
            text = $"{Size(bytes)}  {Size((long)rate)}/s";
        }
        return text;
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Eta(TimeSpan left) =>
        left.TotalHours >= 1 ? $"{(int)left.TotalHours}h{left.Minutes:00}m" : left.TotalMinutes >= 1 ? $"{left.Minutes}m{left.Seconds:00}s" : $"{Math.Ceiling(left.TotalSeconds)}s";
}
