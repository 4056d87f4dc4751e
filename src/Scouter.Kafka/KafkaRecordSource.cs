using Microsoft.Extensions.Logging;
using Scouter.Ingestion;

namespace Scouter.Kafka;

/// <summary>The server's Kafka consumer. (Stub: to be implemented.)</summary>
public sealed class KafkaRecordSource : IRecordSource
{
    /// <summary>Creates the source.</summary>
    public KafkaRecordSource(KafkaConfig config, ILoggerFactory? loggerFactory = null)
    {
        _ = config;
        _ = loggerFactory;
    }

    /// <inheritdoc />
    public string Name => "kafka";

    /// <inheritdoc />
    public Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken) => throw new NotImplementedException();
}
