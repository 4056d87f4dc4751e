using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Scouter.IntegrationTests.Fixtures;
using Scouter.IntegrationTests.Kafka;
using Scouter.IntegrationTests.RabbitMQ;
using Scouter.IntegrationTests.Redis;
using Scouter.Kafka;
using Scouter.Records;
using Scouter.Serialization;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Contract;

/// <summary>
/// Every broker consumer applies the server's message limit (the HTTP body limit): a message over it —
/// here a valid batch padded with whitespace, which would otherwise be stored — is dead-lettered unread with
/// the reason <c>payload_too_large (field body): &lt;n&gt; bytes exceeds &lt;limit&gt;</c>, and the batches
/// around it are stored exactly once.
/// </summary>
public sealed class OversizeMessageTests
{
    // Half before the oversize message, half after it.
    private const int Inserts = 400;
    private const int ConfiguredLimit = 64 * 1024;

    [Fact]
    public async Task Redis_EntryOverTheDefaultLimit_IsDeadLetteredWithTheReason_TheEntriesAroundItAreStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, o =>
        {
            o.RedisAddress = stream.Address;
            o.RedisStream = stream.Name;
        });
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "redis-oversize", ct);
        var (batches, oversize) = await MessagesAsync(profile, RecordLimits.MaxMessageBytes + 100);

        await stream.Db.StreamAddAsync(stream.Name, "batch", Json(batches[0]));
        var tooLarge = await stream.Db.StreamAddAsync(stream.Name, "batch", oversize);
        foreach (var batch in batches.Skip(1)) await stream.Db.StreamAddAsync(stream.Name, "batch", Json(batch));

        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, Inserts, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);
        await RedisRecordSourceTests.WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
        var dead = Assert.Single(await stream.DeadLettersAsync());
        Assert.Equal(tooLarge.ToString(), dead["source_id"].ToString());
        Assert.Equal(Reason(oversize.Length, RecordLimits.MaxMessageBytes), dead["error"].ToString());
        Assert.Equal(oversize, (byte[])dead["batch"]!);
    }

    [Fact]
    public async Task RabbitMQ_MessageOverTheConfiguredLimit_IsDeadLetteredWithTheReason_TheMessagesAroundItAreStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("oversize");
        try
        {
            await using var database = await PostgresDatabase.CreateAsync();
            await using var server = await BrokerTestServer.StartAsync(database, o =>
            {
                o.RabbitMQAddress = RabbitMQTestBroker.Address;
                o.RabbitMQQueue = queueName;
                o.MaxRequestBodyBytes = ConfiguredLimit;
            });
            await using var admin = server.AdminClient();
            var profile = await PsiTraffic.RegisterProfileAsync(admin, "rabbitmq-oversize", ct);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);
            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);
            var (batches, oversize) = await MessagesAsync(profile, ConfiguredLimit + 100);

            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "good-0", Encoding.UTF8.GetString(Json(batches[0])), ct);
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "too-large", Encoding.UTF8.GetString(oversize), ct);
            for (var i = 1; i < batches.Count; i++)
                await RabbitMQTestBroker.PublishRawAsync(connection, queueName, $"good-{i}", Encoding.UTF8.GetString(Json(batches[i])), ct);

            await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, Inserts, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);
            var dead = Assert.Single(await DrainWhenThereAsync(connection, queueName + ".dlq", ct));
            Assert.Equal("too-large", dead.BasicProperties.MessageId);
            Assert.Equal(Reason(oversize.Length, ConfiguredLimit), RabbitMQTestBroker.Header(dead.BasicProperties, "x-scouter-error"));
            Assert.Equal(oversize, dead.Body.ToArray());
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task Kafka_MessageOverTheConfiguredLimit_IsDeadLetteredWithTheReason_TheMessagesAroundItAreStored()
    {
        var (dead, oversize) = await KafkaScenarioAsync(ConfiguredLimit + 100);

        Assert.Equal(Reason(oversize.Length, ConfiguredLimit), KafkaDeadLetterTests.Header(dead, KafkaRecordSource.ErrorHeader));
        Assert.Equal(oversize, dead.Message.Value);
    }

    [Fact]
    public async Task Kafka_MessageTooLargeForTheDeadLetterProducer_IsDeadLetteredWithoutItsBody_NotRetriedForEver()
    {
        // Over the dead-letter producer's message.max.bytes (the limit + 64 KiB for headers).
        var (dead, oversize) = await KafkaScenarioAsync(ConfiguredLimit + (64 * 1024) + 100);

        Assert.Equal(Reason(oversize.Length, ConfiguredLimit) + $"; the body ({oversize.Length} bytes) is not copied: too large for the dead-letter topic",
            KafkaDeadLetterTests.Header(dead, KafkaRecordSource.ErrorHeader));
        Assert.Empty(dead.Message.Value);
    }

    /// <summary>
    /// Good batches, an oversize one of <paramref name="oversizeBytes"/>, good batches, on one partition of the mock cluster; asserts the good
    /// ones are stored exactly and returns the one dead letter, whose origin headers name the topic.
    /// </summary>
    private static async Task<(ConsumeResult<string, byte[]> DeadLetter, byte[] Oversize)> KafkaScenarioAsync(int oversizeBytes)
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.CreateTopic(cluster, "oversize");
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, o =>
        {
            o.KafkaBrokers = cluster.BootstrapServers;
            o.KafkaTopic = topic;
            o.KafkaGroupId = KafkaTestSupport.UniqueName("group");
            o.MaxRequestBodyBytes = ConfiguredLimit;
        });
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "kafka-oversize", ct);
        var (batches, oversize) = await MessagesAsync(profile, oversizeBytes);

        // One key: one partition, so the good batches are on both sides of the oversize one.
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = "k", Value = Json(batches[0]) }, ct);
            await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = "k", Value = oversize }, ct);
            foreach (var batch in batches.Skip(1)) await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = "k", Value = Json(batch) }, ct);
        }

        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, Inserts, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);
        var dead = Assert.Single(KafkaDeadLetterTests.ReadDeadLetters(cluster, topic + ".dlq", 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(topic, KafkaDeadLetterTests.Header(dead, KafkaRecordSource.SourceTopicHeader));
        return (dead, oversize);
    }

    /// <summary>The reason the issue asks for, built from the sizes the test chose.</summary>
    private static string Reason(int bytes, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"payload_too_large (field body): {bytes} bytes exceeds {limit}");

    /// <summary>
    /// The good batches of <see cref="Inserts"/> rows (the first, then the rest: two halves), and an extra valid batch
    /// (a copy of the first under a new id) padded with whitespace to <paramref name="oversizeBytes"/>: only its size is wrong.
    /// </summary>
    private static async Task<(IReadOnlyList<RecordBatch> Batches, byte[] Oversize)> MessagesAsync(DriftProfile profile, int oversizeBytes)
    {
        var before = await CollectingTransport.BatchesAsync(profile, Inserts / 2);
        var after = await CollectingTransport.BatchesAsync(profile, Inserts / 2);
        Assert.Single(before);
        IReadOnlyList<RecordBatch> batches = [.. before, .. after];
        var copy = Json(batches[0] with { BatchId = Guid.CreateVersion7() });
        var oversize = new byte[oversizeBytes];
        Array.Fill(oversize, (byte)' ');
        copy.CopyTo(oversize, 0);
        return (batches, oversize);
    }

    private static byte[] Json(RecordBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, ScouterJsonContext.Default.RecordBatch);

    /// <summary>The dead-letter queue's messages, once it has any (dead-lettering runs after the batches around it are stored).</summary>
    private static async Task<List<global::RabbitMQ.Client.BasicGetResult>> DrainWhenThereAsync(global::RabbitMQ.Client.IConnection connection, string queue,
        CancellationToken ct)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(20);
        while (true)
        {
            var messages = await RabbitMQTestBroker.DrainAsync(connection, queue, ct);
            if (messages.Count > 0 || TimeProvider.System.GetUtcNow() > deadline) return messages;
            await Task.Delay(100, ct);
        }
    }
}
