using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Scouter.RabbitMQ;

/// <summary>
/// The queues both sides declare, in one place: RabbitMQ refuses a redeclaration with different
/// arguments, so the producer and the consumer must never disagree.
/// </summary>
internal static class RabbitMQTopology
{
    public const string DeadLetterSuffix = ".dlq";

    /// <summary>Header of a dead-lettered message: why the server refused it (problem code, field, message).</summary>
    public const string ErrorHeader = "x-scouter-error";

    /// <summary>Header of a dead-lettered message: the queue it was consumed from.</summary>
    public const string SourceQueueHeader = "x-scouter-source-queue";

    public static string DeadLetterQueueOf(string queue) => queue + DeadLetterSuffix;

    /// <summary>
    /// Declares the durable dead-letter queue and the durable queue that dead-letters into it (through the
    /// default exchange, so no exchange or binding is needed).
    /// </summary>
    /// <exception cref="InvalidOperationException">The queue exists with other arguments.</exception>
    public static async Task DeclareAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        var deadLetterQueue = DeadLetterQueueOf(queue);
        var arguments = new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = string.Empty,
            ["x-dead-letter-routing-key"] = deadLetterQueue,
        };
        try
        {
            await channel.QueueDeclareAsync(deadLetterQueue, durable: true, exclusive: false, autoDelete: false, arguments: null,
                cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments,
                cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
        {
            throw new InvalidOperationException(
                $"RabbitMQ queue '{queue}' or '{deadLetterQueue}' exists with other settings than Scouter declares (durable, '{queue}' " +
                $"dead-lettering to '{deadLetterQueue}'): delete it or use another queue. Broker: {ex.ShutdownReason.ReplyText}", ex);
        }
    }

    /// <summary>
    /// A connection factory without the client's automatic recovery: the transport reconnects on its next
    /// send and the record source runs its own reconnect loop, so delivery tags never outlive their channel.
    /// </summary>
    public static ConnectionFactory CreateConnectionFactory(ResolvedRabbitMQConfig config, ushort consumerDispatchConcurrency = 1) => new()
    {
        Uri = config.Address,
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        // A dead peer is noticed after about two missed heartbeats.
        RequestedHeartbeat = TimeSpan.FromSeconds(10),
        RequestedConnectionTimeout = Min(config.SendTimeout, TimeSpan.FromSeconds(30)),
        HandshakeContinuationTimeout = Min(config.SendTimeout, TimeSpan.FromSeconds(10)),
        ConsumerDispatchConcurrency = consumerDispatchConcurrency,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
