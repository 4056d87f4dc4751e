namespace Scouter.RabbitMQ;

/// <summary>
/// Settings of the RabbitMQ transport and record source. Unset values come from environment variables;
/// values set in code win.
/// </summary>
public sealed class RabbitMQConfig
{
    /// <summary>AMQP URI. Default: <c>RABBITMQ_ADDR</c>, else <c>amqp://guest:guest@localhost:5672/</c>.</summary>
    public string? Address { get; set; }

    /// <summary>Queue. Default: <c>RABBITMQ_QUEUE</c>, else <c>scouter_monitoring</c>.</summary>
    public string? Queue { get; set; }
}
