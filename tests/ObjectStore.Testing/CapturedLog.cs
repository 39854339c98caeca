using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Testing;

/// <summary>A logger factory that keeps every entry at <see cref="LogLevel.Warning"/> or above, for asserting what a server logged.</summary>
public sealed class CapturedLog : ILoggerFactory
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <summary>One captured entry.</summary>
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " — " + Exception.GetType().Name + ": " + Exception.Message)}";
    }

    /// <summary>The entries so far.</summary>
    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
        }
    }
}
