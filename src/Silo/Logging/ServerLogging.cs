using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Logging;

/// <summary>
/// The server's console logging per <c>logging.*</c>: every line on stderr with a UTC timestamp; <c>pretty</c> (two lines
/// a record), <c>simplified</c> (one line), <c>json</c> (<see cref="JsonLogFormatter"/>), or <c>auto</c> (pretty on a
/// terminal, simplified otherwise). Levels: <c>logging.level</c>, quieter defaults for the frameworks' per-request
/// chatter, then <c>logging.levels</c> per category prefix, which win.
/// </summary>
internal static class ServerLogging
{
    /// <summary>Framework categories kept at warning unless <c>logging.levels</c> says otherwise.</summary>
    public static readonly IReadOnlyList<string> QuietCategories = ["Microsoft.AspNetCore", "Microsoft.Hosting.Lifetime", "Orleans", "Polly", "Npgsql"];

    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>A logger factory writing to the console as <paramref name="options"/> says.</summary>
    public static ILoggerFactory CreateFactory(LoggingOptions options) => LoggerFactory.Create(logging => Configure(logging, options, Console.IsErrorRedirected));

    /// <summary>Applies <paramref name="options"/> to <paramref name="logging"/>; <paramref name="redirected"/> = stderr is not a terminal.</summary>
    public static void Configure(ILoggingBuilder logging, LoggingOptions options, bool redirected)
    {
        logging.SetMinimumLevel(options.Level);
        foreach (var category in QuietCategories) logging.AddFilter(category, options.Level > LogLevel.Warning ? options.Level : LogLevel.Warning);
        foreach (var (category, level) in options.Levels) logging.AddFilter(category, level);
        var format = options.Format == LogFormat.Auto ? (redirected ? LogFormat.Simplified : LogFormat.Pretty) : options.Format;
        if (format == LogFormat.Json)
        {
            logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
            logging.AddConsole(console =>
            {
                console.FormatterName = JsonLogFormatter.FormatterName;
                console.LogToStandardErrorThreshold = LogLevel.Trace;
            });
            return;
        }
        logging.AddSimpleConsole(console =>
        {
            console.TimestampFormat = TimestampFormat;
            // The timestamp says Z, so it must be UTC whatever TZ the process runs under.
            console.UseUtcTimestamp = true;
            console.SingleLine = format == LogFormat.Simplified;
            console.ColorBehavior = redirected ? LoggerColorBehavior.Disabled : LoggerColorBehavior.Default;
        });
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
