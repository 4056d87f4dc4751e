using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Scouter.Kafka;

/// <summary>Builds librdkafka clients whose log and error events go to an <see cref="ILogger"/> instead of stderr.</summary>
internal static class KafkaClients
{
    public static IProducer<TKey, byte[]> Producer<TKey>(ProducerConfig config, ILogger logger) =>
        new ProducerBuilder<TKey, byte[]>(config)
            .SetLogHandler((_, message) => Forward(logger, message))
            .SetErrorHandler((_, error) => Forward(logger, error))
            .Build();

    /// <param name="config">Consumer settings.</param>
    /// <param name="logger">Where librdkafka's log and errors go.</param>
    /// <param name="onAssigned">Called on the consuming thread, inside <c>Consume</c>, before a new assignment is applied.</param>
    public static IConsumer<TKey, byte[]> Consumer<TKey>(ConsumerConfig config, ILogger logger, Action<List<TopicPartition>>? onAssigned = null) =>
        new ConsumerBuilder<TKey, byte[]>(config)
            .SetLogHandler((_, message) => Forward(logger, message))
            .SetErrorHandler((_, error) => Forward(logger, error))
            .SetPartitionsAssignedHandler((_, partitions) => onAssigned?.Invoke(partitions))
            .Build();

    public static IAdminClient Admin(AdminClientConfig config, ILogger logger) =>
        new AdminClientBuilder(config)
            .SetLogHandler((_, message) => Forward(logger, message))
            .SetErrorHandler((_, error) => Forward(logger, error))
            .Build();

    private static void Forward(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
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
