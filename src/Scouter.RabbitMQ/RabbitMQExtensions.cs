using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Hosting;
using Scouter.Ingestion;

namespace Scouter.RabbitMQ;

/// <summary>Registration of the RabbitMQ transport (client) and record source (server).</summary>
public static class RabbitMQExtensions
{
    /// <summary>Sends the queue's record batches to RabbitMQ.</summary>
    public static ScouterQueueBuilder UseRabbitMQ(this ScouterQueueBuilder builder, RabbitMQConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseTransport(_ => new RabbitMQTransport(config));
    }

    /// <summary>Adds a RabbitMQ consumer to the server's record sources.</summary>
    public static IServiceCollection AddRabbitMQRecordSource(this IServiceCollection services, RabbitMQConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return services.AddSingleton<IRecordSource>(sp => new RabbitMQRecordSource(config, sp.GetService<ILoggerFactory>()));
    }
}
