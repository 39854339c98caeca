using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Silo.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ObjectStore.Silo.Tests.Logging;

/// <summary><c>logging.format: json</c>: one object a line, UTC timestamp, level, category, message, and the ids of the span it was written in.</summary>
public sealed class JsonLogFormatterTests
{
    private static string Format(string category, LogLevel level, string message, Exception? exception = null)
    {
        var writer = new StringWriter();
        new JsonLogFormatter().Write(new LogEntry<string>(level, category, new EventId(0), message, exception, (s, _) => s), null, writer);
        return writer.ToString();
    }

    [Fact]
    public void A_line_is_one_json_object_with_a_utc_timestamp_level_category_and_message()
    {
        var line = Format("ObjectStore.Silo", LogLevel.Warning, "disk \"full\"\nsoon");
        Assert.EndsWith("\n", line);
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var timestamp = root.GetProperty("timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp);
        var parsed = DateTime.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.True(Math.Abs((parsed - DateTime.UtcNow).TotalHours) < 1, $"{timestamp} is not UTC now");
        Assert.Equal("warn", root.GetProperty("level").GetString());
        Assert.Equal("ObjectStore.Silo", root.GetProperty("category").GetString());
        Assert.Equal("disk \"full\"\nsoon", root.GetProperty("message").GetString());
        Assert.False(root.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public void A_line_written_inside_a_span_carries_the_exported_spans_trace_and_span_id()
    {
        var exported = new List<Activity>();
        using var source = new ActivitySource("ObjectStore.Tests.Logging." + Guid.NewGuid().ToString("N"));
        using (Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddInMemoryExporter(exported).Build())
        {
            string line;
            using (source.StartActivity("work"))
                line = Format("ObjectStore.Gateway", LogLevel.Error, "failed", new InvalidOperationException("boom"));
            using var json = JsonDocument.Parse(line);
            var span = Assert.Single(exported);
            Assert.Equal(span.TraceId.ToHexString(), json.RootElement.GetProperty("trace_id").GetString());
            Assert.Equal(span.SpanId.ToHexString(), json.RootElement.GetProperty("span_id").GetString());
            Assert.Contains("boom", json.RootElement.GetProperty("exception").GetString());
        }
    }
}
