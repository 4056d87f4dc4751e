using Microsoft.Extensions.DependencyInjection.Extensions;
using Scouter.Ingestion;
using Scouter.Kafka;
using Scouter.RabbitMQ;
using Scouter.Redis;
using Scouter.Server;
using Scouter.Server.Ingestion;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Broker consumers: Kafka, RabbitMQ and Redis record sources feeding the ingestion pipeline.</summary>
internal static class BrokerExtensions
{
    /// <summary>
    /// Registers the consumer of every broker whose address is set in <paramref name="options"/>
    /// (<c>KAFKA_BROKERS</c>, <c>RABBITMQ_ADDR</c>, <c>REDIS_ADDR</c>) and the service that runs them.
    /// Call after <c>AddScouterData</c>: hosted services stop in reverse order, so the consumers finish
    /// their in-flight batches while the writers still run. Further sources may be added as
    /// <see cref="IRecordSource"/> singletons.
    /// </summary>
    public static IServiceCollection AddScouterBrokerConsumers(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton<IRecordBatchSink, PipelineRecordSink>();
        // One message limit for every way in: the HTTP body limit (RabbitMQ's client caps it at 64 MiB).
        var maxBytes = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue);
        if (options.KafkaBrokers is not null)
        {
            services.AddKafkaRecordSource(new KafkaConfig
            {
                Brokers = options.KafkaBrokers, Topic = options.KafkaTopic, GroupId = options.KafkaGroupId, MaxMessageBytes = maxBytes,
            });
        }
        if (options.RabbitMQAddress is not null)
        {
            services.AddRabbitMQRecordSource(new RabbitMQConfig
            {
                Address = options.RabbitMQAddress, Queue = options.RabbitMQQueue, MaxMessageBytes = Math.Min(maxBytes, RabbitMQConfig.MaxMessageBytesLimit),
            });
        }
        if (options.RedisAddress is not null)
            services.AddRedisRecordSource(new RedisConfig { Address = options.RedisAddress, Stream = options.RedisStream, MaxMessageBytes = maxBytes });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecordSourceService>());
        return services;
    }
}
