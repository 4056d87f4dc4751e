using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Hosting;
using Scouter.Ingestion;

namespace Scouter.Redis;

/// <summary>Registration of the Redis transport (client) and record source (server).</summary>
public static class RedisExtensions
{
    /// <summary>
    /// Sends the queue's record batches to a Redis stream (<see cref="RedisTransport"/>).
    /// Unset fields of <paramref name="config"/> come from <c>REDIS_ADDR</c> and <c>REDIS_STREAM</c>.
    /// </summary>
    public static ScouterQueueBuilder UseRedis(this ScouterQueueBuilder builder, RedisConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseTransport(_ => new RedisTransport(config));
    }

    /// <summary>
    /// Adds a Redis consumer (<see cref="RedisRecordSource"/>) to the server's record sources. Each call adds
    /// one consumer; the server registers it once, when <c>REDIS_ADDR</c> is set.
    /// </summary>
    public static IServiceCollection AddRedisRecordSource(this IServiceCollection services, RedisConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return services.AddSingleton<IRecordSource>(sp => new RedisRecordSource(config, sp.GetService<ILoggerFactory>()));
    }
}
