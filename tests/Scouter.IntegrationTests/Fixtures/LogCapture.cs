using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Scouter.IntegrationTests.Fixtures;

/// <summary>A logger factory that keeps every entry (all levels), for tests that assert on what a component logged.</summary>
public sealed class LogCapture : ILoggerFactory
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <summary>One log entry.</summary>
    public sealed record Entry(LogLevel Level, int EventId, string Message, Exception? Exception);

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>The entries with event id <paramref name="eventId"/>.</summary>
    public IReadOnlyList<Entry> WithId(int eventId) => [.. _entries.Where(e => e.EventId == eventId)];

    /// <summary>Waits until <paramref name="count"/> entries with <paramref name="eventId"/> were logged.</summary>
    public async Task WaitForAsync(int eventId, int count, TimeSpan timeout, CancellationToken ct, Action? whileWaiting = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (WithId(eventId).Count < count)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline,
                $"{WithId(eventId).Count} entries with event id {eventId} after {timeout}, expected {count}. Log:\n{string.Join('\n', _entries.Select(e => $"{e.Level} [{e.EventId}] {e.Message}"))}");
            whileWaiting?.Invoke();
            await Task.Delay(20, ct);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new Entry(logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
