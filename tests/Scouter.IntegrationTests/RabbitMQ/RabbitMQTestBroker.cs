using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary>
/// The shared RabbitMQ test node (<c>SCOUTER_TEST_RABBITMQ</c>, default <c>amqp://guest:guest@127.0.0.1:55672/</c>,
/// started by scripts/services.sh) and helpers to look at a queue the way an operator would.
/// </summary>
internal static class RabbitMQTestBroker
{
    public static string Address => Environment.GetEnvironmentVariable("SCOUTER_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:55672/";

    /// <summary>A queue name no other test uses.</summary>
    public static string UniqueQueue(string purpose) => $"scouter_test_{purpose}_{Guid.NewGuid():N}";

    public static async Task<IConnection> ConnectAsync(string address, CancellationToken ct)
    {
        try
        {
            return await new ConnectionFactory { Uri = new Uri(address) }.CreateConnectionAsync("scouter-tests", ct);
        }
        catch (BrokerUnreachableException ex)
        {
            throw new InvalidOperationException($"RabbitMQ test node not reachable at {new Uri(address).Authority}: run scripts/services.sh first. ({ex.Message})", ex);
        }
    }

    /// <summary>Waits until <paramref name="queue"/> has <paramref name="consumers"/> consumers (the servers' consumers connect in the background).</summary>
    public static async Task WaitForConsumersAsync(string address, string queue, int consumers, CancellationToken ct)
    {
        await using var connection = await ConnectAsync(address, ct);
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (true)
        {
            uint count = 0;
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
            {
                try
                {
                    count = (await channel.QueueDeclarePassiveAsync(queue, ct)).ConsumerCount;
                }
                catch (OperationInterruptedException)
                {
                    // Not declared yet.
                }
            }
            if (count >= consumers) return;
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"queue {queue} has {count} consumers after 30 s, expected {consumers}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Publishes a raw body to <paramref name="queue"/> with publisher confirms, as a misbehaving producer would.</summary>
    public static async Task PublishRawAsync(IConnection connection, string queue, string messageId, string body, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct);
        var properties = new BasicProperties { MessageId = messageId, DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body), ct);
    }

    /// <summary>Reads (and acks) every message now in <paramref name="queue"/>.</summary>
    public static async Task<List<BasicGetResult>> DrainAsync(IConnection connection, string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var messages = new List<BasicGetResult>();
        while (await channel.BasicGetAsync(queue, autoAck: true, ct) is { } message) messages.Add(message);
        return messages;
    }

    public static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers is not null && properties.Headers.TryGetValue(name, out var value)
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), _ => value?.ToString() }
            : null;

    /// <summary>Deletes the queue and its dead-letter queue from the shared node.</summary>
    public static async Task DeleteQueuesAsync(string address, string queue)
    {
        try
        {
            await using var connection = await ConnectAsync(address, CancellationToken.None);
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
            await channel.QueueDeleteAsync(queue + ".dlq", ifUnused: false, ifEmpty: false);
        }
        catch (Exception ex) when (ex is OperationInterruptedException or InvalidOperationException)
        {
            // Best effort: a leftover test queue is harmless.
        }
    }
}
