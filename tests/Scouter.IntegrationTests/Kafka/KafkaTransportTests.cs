using System.Diagnostics;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Scouter.Client.Transports;
using Scouter.Kafka;
using Scouter.Records;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Kafka;

public sealed class KafkaTransportTests
{
    [Fact]
    public async Task SendAsync_BrokersUnreachable_ThrowsRetryableWithinSendTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var transport = new KafkaTransport(new KafkaConfig { Brokers = "127.0.0.1:1", Topic = "unreachable", SendTimeout = TimeSpan.FromSeconds(2) });
        var batch = Batch(Guid.NewGuid(), "small");
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(batch, ct));

        Assert.True(ex.Retryable);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4));
        Assert.Contains("'unreachable'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(batch.BatchId.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_MessageTooLarge_ThrowsNotRetryable()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.UniqueName("large");
        cluster.CreateTopics(topic);
        // The producer refuses what is over MaxMessageBytes (+ room for headers).
        await using var transport = new KafkaTransport(new KafkaConfig
        {
            Brokers = cluster.BootstrapServers, Topic = topic, SendTimeout = TimeSpan.FromSeconds(10), MaxMessageBytes = 1_000_000,
        });
        await transport.SendAsync(Batch(Guid.NewGuid(), "small"), ct);

        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(Guid.NewGuid(), new string('x', 2_000_000)), ct));

        Assert.False(ex.Retryable);
        Assert.Contains("MsgSizeTooLarge", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_SaslRefused_FailsNotRetryableAtOnce_NamingBrokersAndCause()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster(1);
        var topic = KafkaTestSupport.UniqueName("sasl");
        cluster.CreateTopics(topic);
        // The mock brokers do not offer SASL: librdkafka reports an authentication failure, as for wrong credentials.
        await using var transport = new KafkaTransport(new KafkaConfig
        {
            Brokers = cluster.BootstrapServers, Topic = topic, SendTimeout = TimeSpan.FromSeconds(20),
            SecurityProtocol = SecurityProtocol.SaslPlaintext, SaslMechanism = SaslMechanism.Plain, SaslUsername = "scouter", SaslPassword = "wrong-pw",
        });
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(Guid.NewGuid(), "x"), ct));

        Assert.False(ex.Retryable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}, the send timeout is 20 s");
        Assert.Contains(cluster.BootstrapServers, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Local_Authentication", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw", ex.ToString(), StringComparison.Ordinal);

        // The next send is refused at once too.
        clock.Restart();
        Assert.False((await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(Guid.NewGuid(), "y"), ct))).Retryable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task SendAsync_KeysByProfileUid_AndCarriesBatchIdHeader()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.UniqueName("key");
        cluster.CreateTopics(topic);
        await using var transport = KafkaTestSupport.Transport(cluster, topic);
        var uid = Guid.NewGuid();
        var batch = Batch(uid, "hello");

        await transport.SendAsync(batch, ct);

        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers, GroupId = KafkaTestSupport.UniqueName("reader"), AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var message = consumer.Consume(TimeSpan.FromSeconds(10));
        consumer.Close();
        Assert.NotNull(message);
        Assert.Equal(uid.ToString("D"), message.Message.Key);
        Assert.Equal(batch.BatchId.ToString("D"), System.Text.Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(KafkaTransport.BatchIdHeader)));
        var body = JsonNode.Parse(message.Message.Value)!;
        Assert.Equal(batch.BatchId.ToString("D"), (string?)body["batch_id"]);
        Assert.Equal("hello", (string?)body["records"]![0]!["input"]);
    }

    [Theory]
    [InlineData(ErrorCode.MsgSizeTooLarge, false)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false)]
    [InlineData(ErrorCode.SaslAuthenticationFailed, false)]
    [InlineData(ErrorCode.Local_InvalidArg, false)]
    [InlineData(ErrorCode.Local_MsgTimedOut, true)]
    [InlineData(ErrorCode.NotEnoughReplicas, true)]
    [InlineData(ErrorCode.Local_QueueFull, true)]
    [InlineData(ErrorCode.Local_UnknownTopic, true)]
    public void IsRetryable_SeparatesTransientFromPermanentErrors(ErrorCode code, bool retryable) =>
        Assert.Equal(retryable, KafkaTransport.IsRetryable(new Error(code)));

    private static RecordBatch Batch(Guid uid, string input) => new()
    {
        BatchId = Guid.CreateVersion7(),
        SentAt = TimeProvider.System.GetUtcNow(),
        Records = [new LlmDriftRecord { Uid = uid, CreatedAt = TimeProvider.System.GetUtcNow(), RecordId = Guid.CreateVersion7(), Input = input }],
    };
}
