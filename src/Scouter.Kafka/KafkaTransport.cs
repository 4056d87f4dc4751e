using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Kafka;

/// <summary>Publishes record batches to Kafka. (Stub: to be implemented.)</summary>
public sealed class KafkaTransport : IRecordTransport
{
    /// <summary>Creates the transport.</summary>
    public KafkaTransport(KafkaConfig? config = null) => _ = config;

    /// <inheritdoc />
    public string Name => "kafka";

    /// <inheritdoc />
    public Task SendAsync(RecordBatch batch, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
