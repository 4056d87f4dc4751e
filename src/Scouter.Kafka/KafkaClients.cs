using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Scouter.Kafka;

/// <summary>Builds librdkafka clients whose log and error events go to an <see cref="ILogger"/> instead of stderr.</summary>
internal static class KafkaClients
{
    /// <param name="config">Producer settings.</param>
    /// <param name="logger">Where librdkafka's log and errors go.</param>
    /// <param name="connectionFailuresAtDebug">True for a client of the record source, which logs broker outages itself.</param>
    /// <param name="onError">Called, on librdkafka's thread, for each error event (after it is logged at Debug).</param>
    public static IProducer<TKey, byte[]> Producer<TKey>(ProducerConfig config, ILogger logger, bool connectionFailuresAtDebug = false,
        Action<Error>? onError = null) =>
        new ProducerBuilder<TKey, byte[]>(config)
            .SetLogHandler((_, message) => Forward(logger, message, connectionFailuresAtDebug))
            .SetErrorHandler((_, error) =>
            {
                Forward(logger, error);
                onError?.Invoke(error);
            })
            .Build();

    /// <param name="config">Consumer settings.</param>
    /// <param name="logger">Where librdkafka's log and errors go.</param>
    /// <param name="onAssigned">Called on the consuming thread, inside <c>Consume</c>, before a new assignment is applied.</param>
    /// <param name="onError">Called on the consuming thread, inside <c>Consume</c>, for each error event (after it is logged at Debug).</param>
    public static IConsumer<TKey, byte[]> Consumer<TKey>(ConsumerConfig config, ILogger logger, Action<List<TopicPartition>>? onAssigned = null,
        Action<Error>? onError = null) =>
        new ConsumerBuilder<TKey, byte[]>(config)
            .SetLogHandler((_, message) => Forward(logger, message, connectionFailuresAtDebug: onError is not null))
            .SetErrorHandler((_, error) =>
            {
                Forward(logger, error);
                onError?.Invoke(error);
            })
            .SetPartitionsAssignedHandler((_, partitions) => onAssigned?.Invoke(partitions))
            .Build();

    /// <param name="config">Admin client settings.</param>
    /// <param name="logger">Where librdkafka's log and errors go.</param>
    /// <param name="connectionFailuresAtDebug">True for a client of the record source, which logs broker outages itself.</param>
    public static IAdminClient Admin(AdminClientConfig config, ILogger logger, bool connectionFailuresAtDebug = false) =>
        new AdminClientBuilder(config)
            .SetLogHandler((_, message) => Forward(logger, message, connectionFailuresAtDebug))
            .SetErrorHandler((_, error) => Forward(logger, error))
            .Build();

    /// <param name="logger">The destination.</param>
    /// <param name="message">librdkafka's log line.</param>
    /// <param name="connectionFailuresAtDebug">
    /// True when the caller reports outages itself: librdkafka's per-connection failure lines (facility <c>FAIL</c>,
    /// one per broker and attempt) then go to Debug instead of repeating the outage at Error.
    /// </param>
    private static void Forward(ILogger logger, LogMessage message, bool connectionFailuresAtDebug = false)
    {
        var level = connectionFailuresAtDebug && message.Facility == "FAIL" ? LogLevel.Debug : message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        Log.Librdkafka(logger, level, message.Name, message.Facility, message.Message);
    }

    // Connection errors are reported here and retried inside librdkafka; sends and consumes surface what matters.
    private static void Forward(ILogger logger, Error error)
    {
        if (error.IsFatal) Log.ClientFatalError(logger, error.Code, error.Reason);
        else Log.ClientError(logger, error.Code, error.Reason);
    }
}
