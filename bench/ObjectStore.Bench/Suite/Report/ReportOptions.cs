namespace ObjectStore.Bench.Suite.Report;

/// <summary>The <c>report</c> command's options.</summary>
internal sealed class ReportOptions
{
    /// <summary>Where the JSON files are read and the PNG charts written.</summary>
    public string ResultsDirectory { get; private set; } = Path.Combine("bench", "results");

    /// <summary>The document written.</summary>
    public string Document { get; private set; } = Path.Combine("docs", "BENCHMARKS.md");

    /// <summary>The gnuplot script drawing the charts.</summary>
    public string PlotScript { get; private set; } = Path.Combine("bench", "plot.gnuplot");

    /// <summary>The gnuplot binary, or null to skip the charts.</summary>
    public string? Gnuplot { get; private set; } = "/usr/bin/gnuplot";

    /// <summary>An earlier build's results (group files, <c>ping.json</c>, <c>label.txt</c>) to compare with, if the directory exists.</summary>
    public string? BeforeDirectory { get; private set; } = Path.Combine("bench", "results", "before");

    /// <summary>The wall time of the whole suite run, when the caller measured it (shown in the document).</summary>
    public string? WallTime { get; private set; }

    /// <summary>The command's usage text.</summary>
    public const string Usage = """
        usage: objectstore-bench report [options]
          --results DIR     JSON in, PNG out (default bench/results)
          --doc FILE        the document to write (default docs/BENCHMARKS.md)
          --plot FILE       the gnuplot script (default bench/plot.gnuplot)
          --gnuplot FILE    the gnuplot binary (default /usr/bin/gnuplot); --no-charts skips the charts
          --wall TEXT       the suite's wall time, shown in the document
          --before DIR      an earlier build's results to compare with (default bench/results/before, if present)
        """;

    /// <summary>Parses the arguments after <c>report</c>; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public static ReportOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ReportOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--results": options.ResultsDirectory = Value(); break;
                case "--doc": options.Document = Value(); break;
                case "--plot": options.PlotScript = Value(); break;
                case "--gnuplot": options.Gnuplot = Value(); break;
                case "--no-charts": options.Gnuplot = null; break;
                case "--wall": options.WallTime = Value(); break;
                case "--before": options.BeforeDirectory = Value(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return options;
    }
}
