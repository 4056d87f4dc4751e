using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Scouter.Testing;

/// <summary>
/// Sends an in-process server's log to the output of the test that started it instead of the
/// console: the test platform shows that output beside a failure, and a passing run stays quiet
/// (a console full of server logs hides the one failure that matters).
/// </summary>
internal static class TestOutputLogging
{
    /// <summary>
    /// Replaces every logger provider with one writing to the current test's output; entries of a
    /// server started outside a test (a shared fixture) or written after its test ended are dropped.
    /// </summary>
    public static IServiceCollection AddTestOutputLogging(this IServiceCollection services)
    {
        services.RemoveAll<ILoggerProvider>();
        services.AddSingleton<ILoggerProvider>(new Provider(TestContext.Current.TestOutputHelper));
        return services;
    }

    private sealed class Provider(ITestOutputHelper? output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, output);

        public void Dispose() { }
    }

    private sealed class Logger(string category, ITestOutputHelper? output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => output is not null && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (output is null) return;
            var line = $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}";
            if (exception is not null) line += Environment.NewLine + exception;
            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}
