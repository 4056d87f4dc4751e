using Confluent.Kafka;

namespace Scouter.Testing;

/// <summary>
/// An in-process Kafka cluster for tests and demos only (librdkafka's mock cluster): real brokers
/// speaking the Kafka protocol on loopback TCP ports, so separate producers and consumers connect to
/// <see cref="BootstrapServers"/> as to any cluster. It keeps data in memory and has no controller,
/// so it cannot create topics through the admin API; <see cref="CreateTopics"/> creates them the way
/// it supports (auto-creation, 4 partitions each). Production points <c>KAFKA_BROKERS</c> at a real cluster.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private readonly IAdminClient _handle;

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers.</summary>
    public KafkaMockCluster(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(brokers);
        var config = new AdminClientConfig();
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The cluster lives as long as the client that created it; its only log line announces the ports.
        _handle = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        var metadata = _handle.GetMetadata(TimeSpan.FromSeconds(10));
        BootstrapServers = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
    }

    /// <summary>The brokers' loopback addresses, <c>127.0.0.1:port,...</c>, for <c>KafkaConfig.Brokers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Creates <paramref name="topics"/> (4 partitions each) unless they exist, and waits until their metadata shows them.</summary>
    /// <exception cref="TimeoutException">A topic did not appear within 10 s.</exception>
    public void CreateTopics(params string[] topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        foreach (var topic in topics)
        {
            // A metadata request from a client that allows auto-creation creates the topic; until the
            // brokers agree on it, a consumer checking for the topic would see it missing.
            var deadline = Environment.TickCount64 + 10_000;
            while (_handle.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == topic) is not { Error.IsError: false, Partitions.Count: > 0 })
            {
                if (Environment.TickCount64 > deadline) throw new TimeoutException($"topic '{topic}' did not appear in the mock cluster's metadata within 10 s");
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Stops the brokers.</summary>
    public void Dispose() => _handle.Dispose();
}
