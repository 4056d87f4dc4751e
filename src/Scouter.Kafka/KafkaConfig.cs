using System.Globalization;
using Confluent.Kafka;
using Scouter.Records;

namespace Scouter.Kafka;

/// <summary>
/// Settings of the Kafka transport and record source. Unset values come from environment variables
/// when the transport or source is built; values set in code win. Validated when used: an invalid
/// value throws <see cref="ArgumentException"/> naming the setting and the value.
/// </summary>
public sealed class KafkaConfig
{
    /// <summary>Bootstrap servers (<c>host:port,host:port</c>). Default: <c>KAFKA_BROKERS</c>, else <c>localhost:9092</c>.</summary>
    public string? Brokers { get; set; }

    /// <summary>
    /// Topic of the record batches. Default: <c>KAFKA_TOPIC</c>, else <c>scouter_monitoring</c>.
    /// Invalid messages go to <c>&lt;topic&gt;.dlq</c>.
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>Consumer group of the server replicas. Default: <c>KAFKA_GROUP_ID</c>, else <c>scouter</c>.</summary>
    public string? GroupId { get; set; }

    /// <summary>Compression of produced messages. Default <see cref="CompressionType.Lz4"/>.</summary>
    public CompressionType Compression { get; set; } = CompressionType.Lz4;

    /// <summary>Security protocol (<c>security.protocol</c>). Default: librdkafka's (plaintext).</summary>
    public SecurityProtocol? SecurityProtocol { get; set; }

    /// <summary>SASL mechanism (<c>sasl.mechanism</c>). Default: librdkafka's (GSSAPI, used only with a SASL protocol).</summary>
    public SaslMechanism? SaslMechanism { get; set; }

    /// <summary>SASL user name. Default: none. Requires <see cref="SaslPassword"/>.</summary>
    public string? SaslUsername { get; set; }

    /// <summary>SASL password. Default: none. Requires <see cref="SaslUsername"/>.</summary>
    public string? SaslPassword { get; set; }

    /// <summary>
    /// Further librdkafka properties (e.g. <c>ssl.ca.location</c>, <c>linger.ms</c>), applied last to the
    /// producer, consumer and admin clients, so they override everything above.
    /// </summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// How long a send may take before it fails as retryable, retries inside the producer included
    /// (<c>message.timeout.ms</c>). Default 30 s.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Partitions of the topics the record source creates when they are missing. Default 6.</summary>
    public int TopicPartitions { get; set; } = 6;

    /// <summary>Replication factor of created topics. Default: the broker's (<c>default.replication.factor</c>).</summary>
    public short? TopicReplicationFactor { get; set; }

    /// <summary>Most messages the record source hands to the server at once (they are stored concurrently, then committed). Default 64.</summary>
    public int ConsumeBatchSize { get; set; } = 64;

    /// <summary>
    /// Largest message, in bytes: the record source dead-letters a larger one unread (reason
    /// <c>payload_too_large</c>), and the producers (transport, dead letters) refuse to send one
    /// (<c>message.max.bytes</c>, plus room for the dead letter's headers). Default
    /// <see cref="RecordLimits.MaxMessageBytes"/> (16 MiB), the server's HTTP body limit.
    /// </summary>
    public int MaxMessageBytes { get; set; } = RecordLimits.MaxMessageBytes;

    internal ResolvedKafkaConfig Resolve() => Resolve(Environment.GetEnvironmentVariable);

    /// <summary>Fills unset values from <paramref name="environment"/> and validates everything.</summary>
    internal ResolvedKafkaConfig Resolve(Func<string, string?> environment)
    {
        var brokers = (Brokers ?? NonEmpty(environment("KAFKA_BROKERS")) ?? "localhost:9092").Trim();
        var topic = Topic ?? NonEmpty(environment("KAFKA_TOPIC")) ?? "scouter_monitoring";
        var groupId = GroupId ?? NonEmpty(environment("KAFKA_GROUP_ID")) ?? "scouter";

        if (brokers.Length == 0 || brokers.Split(',').Any(b => string.IsNullOrWhiteSpace(b)))
            throw Invalid(nameof(Brokers), brokers, "expected host:port[,host:port...]");
        ValidateTopic(topic);
        if (string.IsNullOrWhiteSpace(groupId))
            throw Invalid(nameof(GroupId), groupId, "must not be empty");
        if (SendTimeout <= TimeSpan.Zero || SendTimeout.TotalMilliseconds > int.MaxValue)
            throw Invalid(nameof(SendTimeout), SendTimeout.ToString("c", CultureInfo.InvariantCulture), "must be positive and at most 24 days");
        if (TopicPartitions <= 0)
            throw Invalid(nameof(TopicPartitions), TopicPartitions.ToString(CultureInfo.InvariantCulture), "must be positive");
        if (TopicReplicationFactor is <= 0)
            throw Invalid(nameof(TopicReplicationFactor), TopicReplicationFactor.Value.ToString(CultureInfo.InvariantCulture), "must be positive (or unset for the broker's default)");
        if (ConsumeBatchSize <= 0)
            throw Invalid(nameof(ConsumeBatchSize), ConsumeBatchSize.ToString(CultureInfo.InvariantCulture), "must be positive");
        if (MaxMessageBytes is <= 0 or > ResolvedKafkaConfig.MaxProtocolMessageBytes)
            throw Invalid(nameof(MaxMessageBytes), MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"must be from 1 to {ResolvedKafkaConfig.MaxProtocolMessageBytes}"));
        if (string.IsNullOrEmpty(SaslUsername) != string.IsNullOrEmpty(SaslPassword))
            throw Invalid(string.IsNullOrEmpty(SaslUsername) ? nameof(SaslUsername) : nameof(SaslPassword), string.Empty,
                "SaslUsername and SaslPassword must be set together");
        foreach (var key in Settings.Keys)
        {
            if (string.IsNullOrWhiteSpace(key)) throw Invalid(nameof(Settings), key, "property names must not be empty");
        }

        return new ResolvedKafkaConfig(brokers, topic, groupId, this);
    }

    private static void ValidateTopic(string topic)
    {
        // Kafka's rules (org.apache.kafka.common.internals.Topic), minus the ".dlq" suffix the dead-letter topic adds.
        const int maxLength = 249 - 4;
        if (topic.Length == 0) throw Invalid(nameof(Topic), topic, "must not be empty");
        if (topic is "." or "..") throw Invalid(nameof(Topic), topic, "'.' and '..' are not allowed");
        if (topic.Length > maxLength)
            throw Invalid(nameof(Topic), topic, string.Create(CultureInfo.InvariantCulture, $"at most {maxLength} characters (the dead-letter topic adds '.dlq')"));
        foreach (var c in topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                throw Invalid(nameof(Topic), topic, $"character '{c}' is not allowed (use ASCII letters, digits, '.', '_' and '-')");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static ArgumentException Invalid(string field, string value, string why) =>
        new($"Invalid KafkaConfig.{field} '{value}': {why}.", field);
}

/// <summary>A validated <see cref="KafkaConfig"/> with its environment defaults applied; builds the librdkafka configs.</summary>
internal sealed class ResolvedKafkaConfig
{
    private readonly KafkaConfig _source;

    public ResolvedKafkaConfig(string brokers, string topic, string groupId, KafkaConfig source)
    {
        Brokers = brokers;
        Topic = topic;
        GroupId = groupId;
        _source = source;
        Settings = new Dictionary<string, string>(source.Settings, StringComparer.Ordinal);
    }

    public string Brokers { get; }

    public string Topic { get; }

    public string DeadLetterTopic => Topic + ".dlq";

    public string GroupId { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    public TimeSpan SendTimeout => _source.SendTimeout;

    public int TopicPartitions => _source.TopicPartitions;

    public short TopicReplicationFactor => _source.TopicReplicationFactor ?? -1;

    public int ConsumeBatchSize => _source.ConsumeBatchSize;

    public int MaxMessageBytes => _source.MaxMessageBytes;

    /// <summary>librdkafka's ceiling of <c>message.max.bytes</c>, less <see cref="HeaderRoom"/>.</summary>
    internal const int MaxProtocolMessageBytes = 1_000_000_000 - HeaderRoom;

    /// <summary>What a produced message may take beyond its value: key, headers (a dead letter's reason and origin) and framing.</summary>
    private const int HeaderRoom = 64 * 1024;

    /// <summary>
    /// The producer of the transport and of the dead-letter topic: idempotent, acks from all in-sync
    /// replicas, and no linger: the queue awaits every send, so lingering only adds latency
    /// (about the linger time per send, measured on loopback); concurrent sends still share requests.
    /// </summary>
    public ProducerConfig ProducerConfig(string clientId)
    {
        var config = new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = _source.Compression,
            LingerMs = 0,
            MessageTimeoutMs = (int)SendTimeout.TotalMilliseconds,
            MessageMaxBytes = MaxMessageBytes + HeaderRoom,
        };
        return Finish(config, clientId);
    }

    public ConsumerConfig ConsumerConfig()
    {
        var config = new ConsumerConfig
        {
            GroupId = GroupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // When the topic could not be created explicitly, a cluster that allows auto-creation still works.
            AllowAutoCreateTopics = true,
        };
        return Finish(config, "scouter-consumer");
    }

    public AdminClientConfig AdminConfig()
    {
        var config = new AdminClientConfig();
        // Looking a topic up must not create it with the broker's defaults: it is created explicitly.
        config.Set("allow.auto.create.topics", "false");
        return Finish(config, "scouter-admin");
    }

    private T Finish<T>(T config, string clientId) where T : ClientConfig
    {
        config.BootstrapServers = Brokers;
        config.ClientId = clientId;
        if (_source.SecurityProtocol is { } protocol) config.SecurityProtocol = protocol;
        if (_source.SaslMechanism is { } mechanism) config.SaslMechanism = mechanism;
        if (!string.IsNullOrEmpty(_source.SaslUsername)) config.SaslUsername = _source.SaslUsername;
        if (!string.IsNullOrEmpty(_source.SaslPassword)) config.SaslPassword = _source.SaslPassword;
        foreach (var (key, value) in Settings) config.Set(key, value);
        return config;
    }
}
