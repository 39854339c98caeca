using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Logging;

namespace ObjectStore.Silo.Tests.Logging;

/// <summary><c>logging.format</c> picks the console formatter, every text format stamps UTC, and <c>logging.levels</c> wins per category.</summary>
public sealed class ServerLoggingTests
{
    private static ServiceProvider Configure(LoggingOptions options, bool redirected) =>
        new ServiceCollection().AddLogging(logging => ServerLogging.Configure(logging, options, redirected)).BuildServiceProvider();

    [Theory]
    [InlineData("pretty", true, false)]
    [InlineData("simplified", false, true)]
    [InlineData("auto", false, false)]
    [InlineData("auto", true, true)]
    public void Text_formats_are_single_line_when_simplified_and_always_utc(string format, bool redirected, bool singleLine)
    {
        using var services = Configure(new LoggingOptions { Format = Enum.Parse<LogFormat>(format, ignoreCase: true) }, redirected);
        var console = services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        Assert.True(console.UseUtcTimestamp);
        Assert.EndsWith("Z ", console.TimestampFormat);
        Assert.Equal(singleLine, console.SingleLine);
        Assert.Equal(ConsoleFormatterNames.Simple, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple);
    }

    [Fact]
    public void Json_uses_the_json_line_formatter()
    {
        using var services = Configure(new LoggingOptions { Format = LogFormat.Json }, redirected: true);
        Assert.Equal(JsonLogFormatter.FormatterName, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public void Logging_levels_override_the_quiet_framework_defaults_per_category()
    {
        using var services = Configure(new LoggingOptions
        {
            Level = LogLevel.Information,
            Levels = new Dictionary<string, LogLevel> { ["Orleans"] = LogLevel.Debug, ["ObjectStore.Gateway"] = LogLevel.Error },
        }, redirected: true);
        var factory = services.GetRequiredService<ILoggerFactory>();
        Assert.True(factory.CreateLogger("Orleans.Runtime.Silo").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Microsoft.AspNetCore.Hosting").IsEnabled(LogLevel.Information));
        Assert.False(factory.CreateLogger("ObjectStore.Gateway.Endpoints").IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("ObjectStore.Silo").IsEnabled(LogLevel.Information));
    }
}
