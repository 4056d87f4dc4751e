using Microsoft.Extensions.Logging;

namespace Scouter.Redis;

/// <summary>Source-generated log messages of the Redis record source (event ids 1400-1499).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Redis consumer {Consumer} reading stream {Stream} of {Address} in group {Group}")]
    public static partial void Started(ILogger logger, string consumer, string stream, string address, string group);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Redis consumer {Consumer} stopping: finishing {InFlight} in-flight entries of stream {Stream}")]
    public static partial void Stopping(ILogger logger, string consumer, int inFlight, string stream);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Redis consumer group {Group} created on stream {Stream}")]
    public static partial void GroupCreated(ILogger logger, string group, string stream);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Warning, Message = "Redis error on stream {Stream}; retrying in {Delay}")]
    public static partial void RedisError(ILogger logger, Exception exception, string stream, TimeSpan delay);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Warning, Message = "Entry {EntryId} of stream {Stream} cannot be stored now ({Error}); attempt {Attempt}, retrying in {Delay}")]
    public static partial void RetryLater(ILogger logger, string entryId, string stream, string? error, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Error, Message = "Storing entry {EntryId} of stream {Stream} failed; retrying")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string entryId, string stream);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Warning, Message = "Entry {EntryId} of stream {Stream} was not stored before shutdown; it stays pending and will be reclaimed")]
    public static partial void LeftPending(ILogger logger, string entryId, string stream);

    [LoggerMessage(EventId = 1420, Level = LogLevel.Warning, Message = "Entry {EntryId} of stream {Stream} is invalid and was moved to {DeadLetterStream}: {Error}")]
    public static partial void DeadLettered(ILogger logger, string entryId, string stream, string deadLetterStream, string error);

    [LoggerMessage(EventId = 1430, Level = LogLevel.Information, Message = "Reclaimed {Count} entries of stream {Stream} pending longer than {MinIdle}")]
    public static partial void Reclaimed(ILogger logger, int count, string stream, TimeSpan minIdle);

    [LoggerMessage(EventId = 1431, Level = LogLevel.Error, Message = "{Count} pending entries of stream {Stream} were trimmed or deleted before they were stored; their records are lost (raise MaxLength). First id: {FirstId}")]
    public static partial void PendingEntriesDeleted(ILogger logger, int count, string stream, string firstId);

    [LoggerMessage(EventId = 1432, Level = LogLevel.Information, Message = "Removed idle consumer {Consumer} (nothing pending) from group {Group} of stream {Stream}")]
    public static partial void ConsumerRemoved(ILogger logger, string consumer, string group, string stream);

    [LoggerMessage(EventId = 1421, Level = LogLevel.Warning, Message = "Entry {EntryId} of stream {Stream} was stored except {Count} refused records, which were moved to {DeadLetterStream}: {Error}")]
    public static partial void RejectedDeadLettered(ILogger logger, string entryId, string stream, int count, string deadLetterStream, string error);

    [LoggerMessage(EventId = 1440, Level = LogLevel.Warning, Message = "Redis at {Address} unavailable since {Since:O} ({Reason}); the consumer keeps retrying and logs when it is back")]
    public static partial void Unavailable(ILogger logger, string address, DateTimeOffset since, string reason);

    [LoggerMessage(EventId = 1441, Level = LogLevel.Debug, Message = "Redis at {Address} still unavailable (failure {Failures}); retrying in {Delay}")]
    public static partial void StillUnavailable(ILogger logger, Exception exception, string address, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 1442, Level = LogLevel.Information, Message = "Redis at {Address} reachable again after an outage of {Duration} ({Failures} failed attempts)")]
    public static partial void Reachable(ILogger logger, string address, TimeSpan duration, int failures);
}
