using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Grains.Tests.Sweep;

/// <summary>A logger factory that keeps every formatted message with its level and category, for asserting on log lines.</summary>
public sealed class CapturedLogs : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    /// <summary>Messages at <paramref name="level"/> containing <paramref name="text"/>.</summary>
    public List<string> Containing(string text, LogLevel level = LogLevel.Information) =>
        Entries.Where(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal)).Select(e => e.Message).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
