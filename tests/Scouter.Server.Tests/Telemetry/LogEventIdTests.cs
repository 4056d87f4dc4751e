using System.Reflection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Scouter.Server.Tests.Telemetry;

public class LogEventIdTests
{
    [Fact]
    public void EveryLoggerMessageOfTheServer_HasItsOwnEventId()
    {
        var messages = typeof(ServerOptions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m.DeclaringType!.Name + "." + m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        // Guards the reflection itself: the server logs through [LoggerMessage] in storage, ingestion, auth and jobs.
        Assert.True(messages.Count >= 20, $"only {messages.Count} [LoggerMessage] methods found");
        var reused = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(reused.Count == 0, "event ids used more than once: " + string.Join("; ", reused));
    }
}
