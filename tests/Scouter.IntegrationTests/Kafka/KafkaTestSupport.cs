using Microsoft.Extensions.DependencyInjection;
using Scouter.Ingestion;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Kafka;
using Scouter.Server.Ingestion;
using Scouter.Testing;

namespace Scouter.IntegrationTests.Kafka;

internal static class KafkaTestSupport
{
    /// <summary>A topic (and group) name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Creates a topic no other test uses, and its dead-letter topic, on <paramref name="cluster"/>; returns its name.</summary>
    public static string CreateTopic(KafkaMockCluster cluster, string prefix)
    {
        var topic = UniqueName(prefix);
        cluster.CreateTopics(topic, topic + ".dlq");
        return topic;
    }

    /// <summary>A replica consuming <paramref name="topic"/> as a member of <paramref name="group"/>, configured as KAFKA_* would.</summary>
    public static Task<BrokerTestServer> StartReplicaAsync(PostgresDatabase database, KafkaMockCluster cluster, string topic, string group,
        CountingSink[]? sinkHolder = null, int index = 0) =>
        BrokerTestServer.StartAsync(database, o =>
        {
            o.KafkaBrokers = cluster.BootstrapServers;
            o.KafkaTopic = topic;
            o.KafkaGroupId = group;
        }, s => CountSink(s, sinkHolder, index));

    /// <summary>
    /// A replica whose consumer has a short session timeout, for tests with more than one group member.
    /// The mock cluster ties group timing to the session timeout (45 s by default): when a member joins a
    /// running group it waits session timeout − 1 s for the others before electing a leader, so every
    /// rebalance after the first stalls the group; and it hands a leaving member's partitions to the
    /// others only when that member's session expires.
    /// </summary>
    public static Task<BrokerTestServer> StartShortSessionReplicaAsync(PostgresDatabase database, KafkaMockCluster cluster, string topic, string group,
        CountingSink[] sinkHolder, int index) =>
        BrokerTestServer.StartAsync(database, _ => { }, s =>
        {
            s.AddKafkaRecordSource(ShortSessionConfig(cluster, topic, group));
            CountSink(s, sinkHolder, index);
        });

    /// <summary>Consumer settings for a group member on the mock cluster: a 6 s session (see <see cref="StartShortSessionReplicaAsync"/>).</summary>
    public static KafkaConfig ShortSessionConfig(KafkaMockCluster cluster, string topic, string group)
    {
        var config = new KafkaConfig { Brokers = cluster.BootstrapServers, Topic = topic, GroupId = group };
        config.Settings["session.timeout.ms"] = "6000";
        config.Settings["heartbeat.interval.ms"] = "500";
        return config;
    }

    private static void CountSink(IServiceCollection services, CountingSink[]? sinkHolder, int index)
    {
        if (sinkHolder is null) return;
        services.AddSingleton<IRecordBatchSink>(sp =>
            sinkHolder[index] = new CountingSink(ActivatorUtilities.CreateInstance<PipelineRecordSink>(sp)));
    }

    /// <summary>The scenario's transport: the mock cluster, the test's topic, quick failure.</summary>
    public static KafkaTransport Transport(KafkaMockCluster cluster, string topic) =>
        new(new KafkaConfig { Brokers = cluster.BootstrapServers, Topic = topic, SendTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>Rows far from the training distribution of <see cref="PsiTraffic"/>'s profile.</summary>
    public static Features DriftedRow(int i) =>
        new(new Dictionary<string, object?> { ["age"] = 70.0 + (i % 10), ["income"] = 150.0 + (i % 25) });
}
