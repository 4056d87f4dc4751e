using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Scouter.Client.Tests.Queue;

/// <summary>One captured log line: level, event id, the formatted message and the template's values.</summary>
internal sealed record LogLine(LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> Values)
{
    public object? this[string name] => Values[name];
}

/// <summary>A logger factory that keeps every line, for asserting on the queue's log.</summary>
internal sealed class LogCapture : ILoggerFactory, ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IReadOnlyList<LogLine> WithEventId(int id) => [.. _lines.Where(l => l.EventId == id)];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        _lines.Enqueue(new LogLine(logLevel, eventId.Id, formatter(state, exception), values));
    }

    public void Dispose()
    {
    }
}
