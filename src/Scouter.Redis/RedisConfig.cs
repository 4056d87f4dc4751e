namespace Scouter.Redis;

/// <summary>
/// Settings of the Redis transport and record source. Unset values come from environment variables;
/// values set in code win.
/// </summary>
public sealed class RedisConfig
{
    /// <summary>Address (<c>host:port</c> or a StackExchange.Redis configuration string). Default: <c>REDIS_ADDR</c>, else <c>localhost:6379</c>.</summary>
    public string? Address { get; set; }

    /// <summary>Stream. Default: <c>REDIS_STREAM</c>, else <c>scouter_monitoring</c>.</summary>
    public string? Stream { get; set; }
}
