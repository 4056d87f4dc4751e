using Microsoft.Extensions.Logging;
using Scouter.Ingestion;

namespace Scouter.Redis;

/// <summary>The server's Redis consumer. (Stub: to be implemented.)</summary>
public sealed class RedisRecordSource : IRecordSource
{
    /// <summary>Creates the source.</summary>
    public RedisRecordSource(RedisConfig config, ILoggerFactory? loggerFactory = null)
    {
        _ = config;
        _ = loggerFactory;
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken) => throw new NotImplementedException();
}
