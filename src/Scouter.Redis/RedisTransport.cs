using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Redis;

/// <summary>Publishes record batches to Redis. (Stub: to be implemented.)</summary>
public sealed class RedisTransport : IRecordTransport
{
    /// <summary>Creates the transport.</summary>
    public RedisTransport(RedisConfig? config = null) => _ = config;

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public Task SendAsync(RecordBatch batch, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
