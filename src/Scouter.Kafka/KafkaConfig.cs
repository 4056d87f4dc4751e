namespace Scouter.Kafka;

/// <summary>
/// Settings of the Kafka transport and record source. Unset values come from environment variables;
/// values set in code win.
/// </summary>
public sealed class KafkaConfig
{
    /// <summary>Bootstrap servers. Default: <c>KAFKA_BROKERS</c>, else <c>localhost:9092</c>.</summary>
    public string? Brokers { get; set; }

    /// <summary>Topic. Default: <c>KAFKA_TOPIC</c>, else <c>scouter_monitoring</c>.</summary>
    public string? Topic { get; set; }

    /// <summary>Consumer group of the server replicas. Default: <c>KAFKA_GROUP_ID</c>, else <c>scouter</c>.</summary>
    public string? GroupId { get; set; }
}
