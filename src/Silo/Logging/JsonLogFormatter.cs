using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ObjectStore.Silo.Logging;

/// <summary>
/// <c>logging.format: json</c>: one JSON object a line — <c>timestamp</c> (UTC, ISO 8601 with <c>Z</c>), <c>level</c>,
/// <c>category</c>, <c>message</c>, and when the line was written inside a span, <c>trace_id</c> and <c>span_id</c>
/// (the W3C ids the exported spans carry), plus <c>exception</c> when there is one.
/// </summary>
internal sealed class JsonLogFormatter(TimeProvider time) : ConsoleFormatter(FormatterName)
{
    /// <summary>The formatter's registered name.</summary>
    public const string FormatterName = "objectstore-json";

    /// <summary>Constructed by the console logger's DI.</summary>
    public JsonLogFormatter() : this(TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message ?? "");
            if (Activity.Current is { } activity)
            {
                json.WriteString("trace_id", activity.TraceId.ToHexString());
                json.WriteString("span_id", activity.SpanId.ToHexString());
            }
            if (logEntry.EventId.Id != 0) json.WriteNumber("event_id", logEntry.EventId.Id);
            if (logEntry.Exception is { } exception) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }
        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };
}
