using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Kafka;
using Scouter.Records;
using Scouter.Serialization;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Kafka;

public sealed class KafkaDeadLetterTests
{
    [Fact]
    public async Task PoisonMessages_GoToDeadLetterTopicWithError_ValidBatchesAfterThemAreStored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.CreateTopic(cluster, "dlq");
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await KafkaTestSupport.StartReplicaAsync(database, cluster, topic, KafkaTestSupport.UniqueName("group"));
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "kafka-dlq", ct);
        var key = profile.Config.Uid.ToString("D");

        var queue = PsiTraffic.Queue(profile, KafkaTestSupport.Transport(cluster, topic));
        PsiTraffic.Insert(queue, 1_000);
        await queue.FlushAsync(ct);

        // Same key as the queue's batches: one partition, so the valid batch below comes after the poison.
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = "not json {"u8.ToArray() }, ct);
            var unknownProfile = new RecordBatch
            {
                BatchId = Guid.CreateVersion7(),
                SentAt = TimeProvider.System.GetUtcNow(),
                Records = [new PsiRecord { Uid = Guid.NewGuid(), CreatedAt = TimeProvider.System.GetUtcNow(), Feature = "age", BinCounts = new Dictionary<int, long> { [1] = 5 } }],
            };
            await producer.ProduceAsync(topic, new Message<string, byte[]>
            {
                Key = key, Value = JsonSerializer.SerializeToUtf8Bytes(unknownProfile, ScouterJsonContext.Default.RecordBatch),
            }, ct);
        }

        PsiTraffic.Insert(queue, 1_000);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(30));

        PsiTraffic.AssertDelivered(queue.Statistics, 2_000);
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, 2_000, TimeSpan.FromSeconds(30), ct);

        var deadLetters = ReadDeadLetters(cluster, topic + ".dlq", 2, TimeSpan.FromSeconds(20));
        Assert.Equal(2, deadLetters.Count);
        Assert.Equal("not json {", Encoding.UTF8.GetString(deadLetters[0].Message.Value));
        Assert.StartsWith("invalid_json", Header(deadLetters[0], KafkaRecordSource.ErrorHeader), StringComparison.Ordinal);
        Assert.StartsWith("unknown_profile", Header(deadLetters[1], KafkaRecordSource.ErrorHeader), StringComparison.Ordinal);
        foreach (var dead in deadLetters)
        {
            Assert.Equal(key, dead.Message.Key);
            Assert.Equal(topic, Header(dead, KafkaRecordSource.SourceTopicHeader));
            Assert.True(long.TryParse(Header(dead, KafkaRecordSource.SourceOffsetHeader), out _));
            Assert.True(int.TryParse(Header(dead, KafkaRecordSource.SourcePartitionHeader), out _));
        }
        Assert.Equal(long.Parse(Header(deadLetters[0], KafkaRecordSource.SourceOffsetHeader), System.Globalization.CultureInfo.InvariantCulture) + 1,
            long.Parse(Header(deadLetters[1], KafkaRecordSource.SourceOffsetHeader), System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static List<ConsumeResult<string, byte[]>> ReadDeadLetters(KafkaMockCluster cluster, string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers, GroupId = KafkaTestSupport.UniqueName("reader"), AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var messages = new List<ConsumeResult<string, byte[]>>();
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        // Read a little past the expected count, so that an extra dead letter would show.
        while (TimeProvider.System.GetUtcNow() < deadline && (messages.Count < expected || TimeProvider.System.GetUtcNow() < deadline - timeout / 2))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } message) messages.Add(message);
            else if (messages.Count >= expected) break;
        }
        consumer.Close();
        return messages;
    }

    internal static string Header(ConsumeResult<string, byte[]> message, string name) =>
        Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(name));
}
