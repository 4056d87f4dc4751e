using Confluent.Kafka;
using Scouter.Kafka;
using Xunit;

namespace Scouter.IntegrationTests.Kafka;

public sealed class KafkaConfigTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_WithNothingSet_UsesDocumentedDefaults()
    {
        var resolved = new KafkaConfig().Resolve(Environment());

        Assert.Equal("localhost:9092", resolved.Brokers);
        Assert.Equal("scouter_monitoring", resolved.Topic);
        Assert.Equal("scouter_monitoring.dlq", resolved.DeadLetterTopic);
        Assert.Equal("scouter", resolved.GroupId);
        Assert.Equal(TimeSpan.FromSeconds(30), resolved.SendTimeout);
        var producer = resolved.ProducerConfig("p");
        Assert.Equal(CompressionType.Lz4, producer.CompressionType);
        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.Equal(30_000, producer.MessageTimeoutMs);
        var consumer = resolved.ConsumerConfig();
        Assert.False(consumer.EnableAutoCommit);
        Assert.Equal(AutoOffsetReset.Earliest, consumer.AutoOffsetReset);
    }

    [Fact]
    public void Resolve_UnsetFields_ComeFromEnvironment()
    {
        var resolved = new KafkaConfig().Resolve(Environment(("KAFKA_BROKERS", "k1:9092,k2:9092"), ("KAFKA_TOPIC", "env_topic"), ("KAFKA_GROUP_ID", "env_group")));

        Assert.Equal("k1:9092,k2:9092", resolved.Brokers);
        Assert.Equal("env_topic", resolved.Topic);
        Assert.Equal("env_group", resolved.GroupId);
    }

    [Fact]
    public void Resolve_ExplicitFields_WinOverEnvironment()
    {
        var config = new KafkaConfig { Brokers = "code:9092", Topic = "code_topic", GroupId = "code_group" };

        var resolved = config.Resolve(Environment(("KAFKA_BROKERS", "env:9092"), ("KAFKA_TOPIC", "env_topic"), ("KAFKA_GROUP_ID", "env_group")));

        Assert.Equal("code:9092", resolved.Brokers);
        Assert.Equal("code_topic", resolved.Topic);
        Assert.Equal("code_group", resolved.GroupId);
    }

    [Fact]
    public void ClientConfigs_ApplySecurityAndThenExtraSettingsLast()
    {
        var config = new KafkaConfig
        {
            SecurityProtocol = SecurityProtocol.SaslSsl, SaslMechanism = SaslMechanism.ScramSha512, SaslUsername = "u", SaslPassword = "p",
            Compression = CompressionType.Zstd,
        };
        config.Settings["linger.ms"] = "7";
        config.Settings["client.id"] = "custom";

        var producer = config.Resolve(Environment()).ProducerConfig("scouter-producer");

        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, producer.SaslMechanism);
        Assert.Equal("u", producer.SaslUsername);
        Assert.Equal(CompressionType.Zstd, producer.CompressionType);
        Assert.Equal(7, producer.LingerMs);
        Assert.Equal("custom", producer.ClientId);
    }

    [Fact]
    public void MaxMessageBytes_Defaults16MiB_AndBoundsTheProducers()
    {
        Assert.Equal(16 * 1024 * 1024, new KafkaConfig().MaxMessageBytes);

        var producer = new KafkaConfig { MaxMessageBytes = 100_000 }.Resolve(Environment()).ProducerConfig("scouter-producer");

        Assert.Equal(100_000 + (64 * 1024), producer.MessageMaxBytes);
        Assert.Equal("MaxMessageBytes", Assert.Throws<ArgumentException>(() => new KafkaConfig { MaxMessageBytes = 0 }.Resolve(Environment())).ParamName);
        Assert.Equal("MaxMessageBytes", Assert.Throws<ArgumentException>(() => new KafkaConfig { MaxMessageBytes = 1_000_000_000 }.Resolve(Environment())).ParamName);
    }

    [Theory]
    [InlineData("", "Topic")]
    [InlineData("bad topic", "Topic")]
    [InlineData("bad/topic", "Topic")]
    [InlineData("..", "Topic")]
    public void Resolve_InvalidTopic_ThrowsNamingFieldAndValue(string topic, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => new KafkaConfig { Topic = topic }.Resolve(Environment()));

        Assert.Equal(field, ex.ParamName);
        Assert.Contains($"KafkaConfig.Topic '{topic}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TopicTooLongForItsDeadLetterTopic_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new KafkaConfig { Topic = new string('t', 246) }.Resolve(Environment()));

        Assert.Equal("Topic", ex.ParamName);
        Assert.Contains(".dlq", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NonPositiveValues_ThrowNamingTheField()
    {
        Assert.Equal("SendTimeout", Assert.Throws<ArgumentException>(() => new KafkaConfig { SendTimeout = TimeSpan.Zero }.Resolve(Environment())).ParamName);
        Assert.Equal("TopicPartitions", Assert.Throws<ArgumentException>(() => new KafkaConfig { TopicPartitions = 0 }.Resolve(Environment())).ParamName);
        Assert.Equal("ConsumeBatchSize", Assert.Throws<ArgumentException>(() => new KafkaConfig { ConsumeBatchSize = -1 }.Resolve(Environment())).ParamName);
        Assert.Equal("GroupId", Assert.Throws<ArgumentException>(() => new KafkaConfig { GroupId = " " }.Resolve(Environment())).ParamName);
        Assert.Equal("Brokers", Assert.Throws<ArgumentException>(() => new KafkaConfig { Brokers = "a:1,,b:2" }.Resolve(Environment())).ParamName);
        var timeout = Assert.Throws<ArgumentException>(() => new KafkaConfig { SendTimeout = TimeSpan.FromSeconds(-1) }.Resolve(Environment()));
        Assert.Contains("KafkaConfig.SendTimeout '-00:00:01'", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SaslUserWithoutPassword_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new KafkaConfig { SaslUsername = "u" }.Resolve(Environment()));

        Assert.Equal("SaslPassword", ex.ParamName);
    }

    [Fact]
    public void Transport_InvalidConfig_ThrowsWhenBuilt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new KafkaTransport(new KafkaConfig { Topic = "no spaces" }));

        Assert.Equal("Topic", ex.ParamName);
    }
}
