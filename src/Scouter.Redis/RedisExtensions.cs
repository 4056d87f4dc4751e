using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.AspNetCore;
using Scouter.Ingestion;

namespace Scouter.Redis;

/// <summary>Registration of the Redis transport (client) and record source (server).</summary>
public static class RedisExtensions
{
    /// <summary>Sends the queue's record batches to Redis.</summary>
    public static ScouterQueueBuilder UseRedis(this ScouterQueueBuilder builder, RedisConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseTransport(_ => new RedisTransport(config));
    }

    /// <summary>Adds a Redis consumer to the server's record sources.</summary>
    public static IServiceCollection AddRedisRecordSource(this IServiceCollection services, RedisConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return services.AddSingleton<IRecordSource>(sp => new RedisRecordSource(config, sp.GetService<ILoggerFactory>()));
    }
}
