using Microsoft.Extensions.Logging;
using Scouter.Ingestion;

namespace Scouter.RabbitMQ;

/// <summary>The server's RabbitMQ consumer. (Stub: to be implemented.)</summary>
public sealed class RabbitMQRecordSource : IRecordSource
{
    /// <summary>Creates the source.</summary>
    public RabbitMQRecordSource(RabbitMQConfig config, ILoggerFactory? loggerFactory = null)
    {
        _ = config;
        _ = loggerFactory;
    }

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken) => throw new NotImplementedException();
}
