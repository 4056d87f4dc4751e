using Microsoft.Extensions.Logging;

namespace Scouter.RabbitMQ;

/// <summary>Source-generated log messages of the RabbitMQ record source (event ids 1300-1399).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "RabbitMQ consumer on queue '{Queue}' at {Address} started (prefetch {Prefetch}, concurrency {Concurrency})")]
    public static partial void Consuming(ILogger logger, string queue, string address, int prefetch, int concurrency);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "RabbitMQ at {Address} still unavailable (failure {Failures}); reconnecting in {Delay}")]
    public static partial void StillUnavailable(ILogger logger, Exception exception, string address, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Debug, Message = "RabbitMQ connection to {Address} closed: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "RabbitMQ at {Address} unavailable since {Since:O} ({Reason}); the consumer keeps reconnecting and logs when it is back")]
    public static partial void Unavailable(ILogger logger, string address, DateTimeOffset since, string reason);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "RabbitMQ at {Address} reachable again after an outage of {Duration} ({Failures} failed attempts)")]
    public static partial void Reconnected(ILogger logger, string address, TimeSpan duration, int failures);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "RabbitMQ consumer on queue '{Queue}' stopped")]
    public static partial void Stopped(ILogger logger, string queue);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "RabbitMQ consumer stopped with {Count} messages still being stored after {Timeout}; they are requeued and deduplicated on redelivery")]
    public static partial void ShutdownTimedOut(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Error, Message = "RabbitMQ message {MessageId} refused and moved to '{DeadLetterQueue}': {Reason}")]
    public static partial void DeadLettered(ILogger logger, string messageId, string deadLetterQueue, string reason);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "RabbitMQ message {MessageId} refused ({Reason}); publishing it to '{DeadLetterQueue}' failed, retrying in {Delay} (the message stays unacknowledged)")]
    public static partial void DeadLetterPublishFailed(ILogger logger, Exception exception, string messageId, string deadLetterQueue, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1315, Level = LogLevel.Error, Message = "RabbitMQ message {MessageId} stored except {Count} refused records, which were moved to '{DeadLetterQueue}': {Reason}")]
    public static partial void RejectedDeadLettered(ILogger logger, string messageId, int count, string deadLetterQueue, string reason);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "RabbitMQ message {MessageId} cannot be stored now ({Reason}); retrying in {Delay}")]
    public static partial void RetryLater(ILogger logger, string messageId, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Error, Message = "Storing RabbitMQ message {MessageId} failed; retrying in {Delay}")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string messageId, TimeSpan delay);

    [LoggerMessage(EventId = 1314, Level = LogLevel.Debug, Message = "Settling RabbitMQ message {MessageId} failed (channel closed); the broker redelivers it and the server deduplicates it")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string messageId);
}
