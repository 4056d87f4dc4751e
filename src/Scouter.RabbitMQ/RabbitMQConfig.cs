using System.Globalization;
using System.Text;
using Scouter.Records;

namespace Scouter.RabbitMQ;

/// <summary>
/// Settings of the RabbitMQ transport and record source. Unset values come from environment variables
/// when the transport or source is built; values set in code win. Validated then: a bad value throws
/// <see cref="ArgumentException"/> naming the setting (never showing the password).
/// </summary>
public sealed class RabbitMQConfig
{
    /// <summary>Environment variable of <see cref="Address"/>.</summary>
    public const string AddressVariable = "RABBITMQ_ADDR";

    /// <summary>Environment variable of <see cref="Queue"/>.</summary>
    public const string QueueVariable = "RABBITMQ_QUEUE";

    /// <summary>
    /// AMQP URI (<c>amqp://user:password@host:port/vhost</c>, or <c>amqps://</c> for TLS).
    /// Default: <c>RABBITMQ_ADDR</c>, else <c>amqp://guest:guest@localhost:5672/</c>.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// Durable queue the batches travel through; invalid messages go to <c>&lt;queue&gt;.dlq</c>.
    /// Default: <c>RABBITMQ_QUEUE</c>, else <c>scouter_monitoring</c>.
    /// </summary>
    public string? Queue { get; set; }

    /// <summary>Record source: unacknowledged messages the broker may push to one consumer (1 to 65 535; default 64).</summary>
    public int Prefetch { get; set; } = 64;

    /// <summary>
    /// Record source: messages handed to the ingestion pipeline at the same time (1 to <see cref="Prefetch"/>;
    /// default 16). The pipeline commits concurrent batches together, so this is the consumer's throughput.
    /// </summary>
    public int ConsumerConcurrency { get; set; } = 16;

    /// <summary>Transport: how long one send may take, connecting and the broker's confirm included (default 30 s).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Record source: how long stopping waits for the messages being stored to finish and be acknowledged (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Record source: longest pause between reconnection attempts while the broker is unreachable (default 5 s).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Record source: largest message body, in bytes, checked on receipt; a larger message is dead-lettered
    /// unparsed with reason <c>payload_too_large</c>. At most <see cref="MaxMessageBytesLimit"/>. Default <see cref="RecordLimits.MaxMessageBytes"/> (16 MiB), the
    /// server's HTTP body limit.
    /// </summary>
    public int MaxMessageBytes { get; set; } = RecordLimits.MaxMessageBytes;

    /// <summary>
    /// The highest <see cref="MaxMessageBytes"/>: 64 MiB, the client library's inbound limit, above which a
    /// delivery closes the connection instead of reaching the check.
    /// </summary>
    public const int MaxMessageBytesLimit = (int)global::RabbitMQ.Client.ConnectionFactory.DefaultMaxInboundMessageBodySize;

    /// <summary>Clock for timeouts and backoff. Default: <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    internal const string DefaultAddress = "amqp://guest:guest@localhost:5672/";
    internal const string DefaultQueue = "scouter_monitoring";

    internal ResolvedRabbitMQConfig Resolve() => Resolve(Environment.GetEnvironmentVariable);

    /// <summary>Fills unset values from <paramref name="environment"/> and validates everything.</summary>
    internal ResolvedRabbitMQConfig Resolve(Func<string, string?> environment)
    {
        var address = Address ?? NonEmpty(environment(AddressVariable)) ?? DefaultAddress;
        var queue = Queue ?? NonEmpty(environment(QueueVariable)) ?? DefaultQueue;

        if (!Uri.TryCreate(address.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
            throw Invalid(nameof(Address), RedactPassword(address), "is not an AMQP URI (amqp://user:password@host:port/vhost or amqps://...)");

        if (string.IsNullOrWhiteSpace(queue))
            throw Invalid(nameof(Queue), queue, "must not be empty");
        // AMQP names are short strings (255 bytes); the dead-letter queue adds its suffix.
        if (Encoding.UTF8.GetByteCount(queue) > 255 - RabbitMQTopology.DeadLetterSuffix.Length)
            throw Invalid(nameof(Queue), queue, string.Create(CultureInfo.InvariantCulture, $"is longer than {255 - RabbitMQTopology.DeadLetterSuffix.Length} bytes"));
        if (queue.StartsWith("amq.", StringComparison.Ordinal))
            throw Invalid(nameof(Queue), queue, "starts with 'amq.', which RabbitMQ reserves");

        if (Prefetch is < 1 or > ushort.MaxValue)
            throw Invalid(nameof(Prefetch), Prefetch, "must be between 1 and 65535");
        if (ConsumerConcurrency < 1 || ConsumerConcurrency > Prefetch)
            throw Invalid(nameof(ConsumerConcurrency), ConsumerConcurrency, string.Create(CultureInfo.InvariantCulture, $"must be between 1 and Prefetch ({Prefetch})"));
        if (SendTimeout <= TimeSpan.Zero)
            throw Invalid(nameof(SendTimeout), SendTimeout, "must be positive");
        if (ShutdownTimeout < TimeSpan.Zero)
            throw Invalid(nameof(ShutdownTimeout), ShutdownTimeout, "must not be negative");
        if (MaxReconnectDelay <= TimeSpan.Zero)
            throw Invalid(nameof(MaxReconnectDelay), MaxReconnectDelay, "must be positive");
        if (MaxMessageBytes is < 1 or > MaxMessageBytesLimit)
            throw Invalid(nameof(MaxMessageBytes), MaxMessageBytes, string.Create(CultureInfo.InvariantCulture, $"must be between 1 and {MaxMessageBytesLimit}"));

        return new ResolvedRabbitMQConfig(uri, queue, (ushort)Prefetch, (ushort)ConsumerConcurrency, SendTimeout, ShutdownTimeout,
            MaxReconnectDelay, TimeProvider ?? TimeProvider.System);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static ArgumentException Invalid(string field, object? value, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"RabbitMQConfig.{field} '{value}' {problem}."), field);

    /// <summary>Replaces the password of an AMQP URI (valid or not) with <c>***</c>, for messages and logs.</summary>
    internal static string RedactPassword(string address)
    {
        // Everything between the user name's colon and the last '@' is the password, even when the URI does not parse.
        var at = address.LastIndexOf('@');
        if (at < 0) return address;
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        var colon = address.IndexOf(':', scheme < 0 ? 0 : scheme + 3);
        return colon < 0 || colon > at ? address : string.Concat(address.AsSpan(0, colon + 1), "***", address.AsSpan(at));
    }
}

/// <summary>Validated settings with the environment applied.</summary>
internal sealed record ResolvedRabbitMQConfig(Uri Address, string Queue, ushort Prefetch, ushort ConsumerConcurrency, TimeSpan SendTimeout,
    TimeSpan ShutdownTimeout, TimeSpan MaxReconnectDelay, TimeProvider Time)
{
    /// <summary>Where the broker is, without credentials: <c>amqp://host:port/vhost</c>.</summary>
    public string DisplayAddress { get; } = new UriBuilder(Address) { UserName = string.Empty, Password = string.Empty }.Uri.ToString();

    /// <summary>Queue that receives the messages the server could not store.</summary>
    public string DeadLetterQueue => RabbitMQTopology.DeadLetterQueueOf(Queue);
}
