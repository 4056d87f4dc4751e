using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Scouter.Kafka;

/// <summary>Source-generated log messages of the Kafka transport and record source (event ids 1200-1299).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1200, Message = "librdkafka {Client} {Facility}: {Text}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string client, string facility, string text);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Kafka client error (retried by the client): {Code} {Reason}")]
    public static partial void ClientError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Kafka client fatal error: {Code} {Reason}")]
    public static partial void ClientFatalError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "Kafka producer for topic '{Topic}' failed fatally and was replaced")]
    public static partial void ProducerReplaced(ILogger logger, string topic);

    [LoggerMessage(EventId = 1220, Level = LogLevel.Information, Message = "Kafka topic '{Topic}' created ({Partitions} partitions)")]
    public static partial void TopicCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Warning, Message = "Kafka topic '{Topic}' could not be checked or created ({Reason}); consuming anyway (create it, or allow its creation)")]
    public static partial void TopicNotCreated(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information, Message = "Kafka consumer of topic '{Topic}' (group '{GroupId}') started")]
    public static partial void ConsumerStarted(ILogger logger, string topic, string groupId);

    [LoggerMessage(EventId = 1231, Level = LogLevel.Information, Message = "Kafka consumer of topic '{Topic}' (group '{GroupId}') stopped: left the group")]
    public static partial void ConsumerStopped(ILogger logger, string topic, string groupId);

    [LoggerMessage(EventId = 1232, Level = LogLevel.Warning, Message = "Kafka consume from topic '{Topic}' failed: {Code} {Reason}; retrying")]
    public static partial void ConsumeFailed(ILogger logger, string topic, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1233, Level = LogLevel.Warning, Message = "Kafka offset commit for topic '{Topic}' failed: {Code} {Reason}; the messages will be delivered again (the server deduplicates them by batch id)")]
    public static partial void CommitFailed(ILogger logger, string topic, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1240, Level = LogLevel.Debug, Message = "Kafka message {Topic}/{Partition}@{Offset} cannot be stored now ({Error}); retrying in {Delay}")]
    public static partial void RetryLater(ILogger logger, string topic, int partition, long offset, string? error, TimeSpan delay);

    [LoggerMessage(EventId = 1241, Level = LogLevel.Warning, Message = "Kafka message {Topic}/{Partition}@{Offset} failed in the ingestion pipeline; retrying in {Delay}")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string topic, int partition, long offset, TimeSpan delay);

    [LoggerMessage(EventId = 1250, Level = LogLevel.Warning, Message = "Kafka message {Topic}/{Partition}@{Offset} is invalid and was moved to '{DeadLetterTopic}': {Error}")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string error);

    [LoggerMessage(EventId = 1251, Level = LogLevel.Warning, Message = "Kafka message {Topic}/{Partition}@{Offset} could not be written to '{DeadLetterTopic}' ({Reason}); retrying in {Delay}")]
    public static partial void DeadLetterFailed(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1252, Level = LogLevel.Warning, Message = "Kafka message {Topic}/{Partition}@{Offset} was stored except {Count} refused records, which were written to '{DeadLetterTopic}': {Error}")]
    public static partial void RejectedDeadLettered(ILogger logger, string topic, int partition, long offset, int count, string deadLetterTopic, string error);

    [LoggerMessage(EventId = 1260, Level = LogLevel.Warning, Message = "Kafka brokers {Brokers} unavailable since {Since:O} ({Reason}); the consumer keeps retrying and logs when they are back")]
    public static partial void BrokersUnavailable(ILogger logger, string brokers, DateTimeOffset since, string reason);

    [LoggerMessage(EventId = 1261, Level = LogLevel.Debug, Message = "Kafka brokers {Brokers} still unavailable (failure {Failures}): {Reason}")]
    public static partial void BrokersStillUnavailable(ILogger logger, string brokers, int failures, string reason);

    [LoggerMessage(EventId = 1262, Level = LogLevel.Information, Message = "Kafka brokers {Brokers} reachable again after an outage of {Duration} ({Failures} failures)")]
    public static partial void BrokersBack(ILogger logger, string brokers, TimeSpan duration, int failures);
}
