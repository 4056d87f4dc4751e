using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Hosting;
using Scouter.Ingestion;

namespace Scouter.Kafka;

/// <summary>Registration of the Kafka transport (client) and record source (server).</summary>
public static class KafkaExtensions
{
    /// <summary>Sends the queue's record batches to Kafka (<see cref="KafkaTransport"/>).</summary>
    /// <param name="builder">The queue builder.</param>
    /// <param name="config">Settings; unset values come from <c>KAFKA_*</c> environment variables.</param>
    public static ScouterQueueBuilder UseKafka(this ScouterQueueBuilder builder, KafkaConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseTransport(sp => new KafkaTransport(config, sp.GetService<ILoggerFactory>()));
    }

    /// <summary>Adds a Kafka consumer (<see cref="KafkaRecordSource"/>) to the server's record sources.</summary>
    public static IServiceCollection AddKafkaRecordSource(this IServiceCollection services, KafkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return services.AddSingleton<IRecordSource>(sp =>
            new KafkaRecordSource(config, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
    }
}
