using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Kafka;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Kafka;

/// <summary><see cref="KafkaRecordSource"/> on the mock cluster with a scripted sink: dead letters of refused records, outages.</summary>
public sealed class KafkaRecordSourceTests
{
    [Fact]
    public async Task StoredWithRejectedRecords_DeadLettersOnlyThemWithTheReason_ThenCommits()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.CreateTopic(cluster, "partly");
        var group = KafkaTestSupport.UniqueName("group");
        await ProduceAsync(cluster, topic, ct);
        var sink = new PartlyStoredSink();
        using var stop = new CancellationTokenSource();
        var running = new KafkaRecordSource(new KafkaConfig { Brokers = cluster.BootstrapServers, Topic = topic, GroupId = group }).RunAsync(sink, stop.Token);

        var deadLetters = ReadAll(cluster, topic + ".dlq", 1, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running;

        var dead = Assert.Single(deadLetters);
        Assert.Equal(sink.DeadLetter, dead.Message.Value);
        Assert.Equal("profile-key", dead.Message.Key);
        PartlyStoredSink.AssertReasonListsRejected(Header(dead, KafkaRecordSource.ErrorHeader));
        Assert.Equal("0", Header(dead, KafkaRecordSource.SourceOffsetHeader));
        Assert.Equal("b1", Header(dead, KafkaTransport.BatchIdHeader));
        Assert.Equal(1, sink.Calls);
        Assert.Equal(1, Committed(cluster, topic, group));
    }

    [Fact]
    public async Task DeadLetterWriteFails_OffsetIsNotCommitted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.CreateTopic(cluster, "dlqfail");
        var group = KafkaTestSupport.UniqueName("group");
        await ProduceAsync(cluster, topic, ct);
        // The dead letter is larger than the producer accepts: every attempt to write it fails.
        var sink = new PartlyStoredSink(deadLetterPadding: 20_000);
        var config = new KafkaConfig { Brokers = cluster.BootstrapServers, Topic = topic, GroupId = group };
        config.Settings["message.max.bytes"] = "10000";
        var logs = new LogCapture();
        using var stop = new CancellationTokenSource();
        var running = new KafkaRecordSource(config, logs).RunAsync(sink, stop.Token);

        await logs.WaitForAsync(1251, 2, TimeSpan.FromSeconds(30), ct);
        await stop.CancelAsync();
        await running;

        Assert.Equal(1, sink.Calls);
        Assert.Empty(logs.WithId(1252));
        Assert.Equal(Offset.Unset.Value, Committed(cluster, topic, group));
    }

    [Fact]
    public async Task BrokersUnreachable_LogsOneWarningForTheOutage_NotOnePerAttempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = Redis.RedisProcess.FreePort();
        var brokers = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
        var logs = new LogCapture();
        using var stop = new CancellationTokenSource();
        var config = new KafkaConfig { Brokers = brokers, Topic = KafkaTestSupport.UniqueName("down"), GroupId = KafkaTestSupport.UniqueName("group") };
        config.Settings["reconnect.backoff.max.ms"] = "200";
        var running = new KafkaRecordSource(config, logs).RunAsync(new PartlyStoredSink(), stop.Token);

        // The consumer's failed connection attempts (librdkafka's FAIL lines, now at Debug).
        await logs.WaitForAsync(1200, 1, TimeSpan.FromSeconds(60), ct);
        await WaitForAsync(() => ConsumerConnectionFailures(logs) >= 4, ct);
        await stop.CancelAsync();
        await running;

        var warning = Assert.Single(logs.WithId(1260));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(brokers, warning.Message, StringComparison.Ordinal);
        Assert.Contains("since", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private static int ConsumerConnectionFailures(LogCapture logs) =>
        logs.WithId(1200).Count(e => e.Level == LogLevel.Debug && e.Message.Contains("scouter-consumer", StringComparison.Ordinal)
            && e.Message.Contains(" FAIL:", StringComparison.Ordinal));

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken ct)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "condition not met in 60 s");
            await Task.Delay(50, ct);
        }
    }

    private static async Task ProduceAsync(KafkaMockCluster cluster, string topic, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, byte[]>
        {
            Key = "profile-key", Value = "{}"u8.ToArray(), Headers = new Headers { { KafkaTransport.BatchIdHeader, "b1"u8.ToArray() } },
        }, ct);
    }

    /// <summary>The group's committed offset of partition 0 (<see cref="Offset.Unset"/> when none).</summary>
    private static long Committed(KafkaMockCluster cluster, string topic, string group)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = group }).Build();
        return consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }

    private static List<ConsumeResult<string, byte[]>> ReadAll(KafkaMockCluster cluster, string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers, GroupId = KafkaTestSupport.UniqueName("reader"), AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var messages = new List<ConsumeResult<string, byte[]>>();
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        // Reads on for 2 s after the expected count, so that an extra dead letter would show.
        DateTimeOffset? enough = null;
        while (TimeProvider.System.GetUtcNow() < (enough ?? deadline))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } message) messages.Add(message);
            if (messages.Count >= expected) enough ??= TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(2);
        }
        consumer.Close();
        return messages;
    }

    private static string Header(ConsumeResult<string, byte[]> message, string name) =>
        Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(name));
}
