using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.RabbitMQ;

/// <summary>Publishes record batches to RabbitMQ. (Stub: to be implemented.)</summary>
public sealed class RabbitMQTransport : IRecordTransport
{
    /// <summary>Creates the transport.</summary>
    public RabbitMQTransport(RabbitMQConfig? config = null) => _ = config;

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public Task SendAsync(RecordBatch batch, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
