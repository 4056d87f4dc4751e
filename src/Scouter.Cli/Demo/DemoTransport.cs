using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Kafka;
using Scouter.RabbitMQ;
using Scouter.Redis;
using Scouter.Server;
using Scouter.Testing;

namespace Scouter.Cli.Demo;

/// <summary>
/// The demo's route from the queue to the embedded server: HTTP, or a broker whose consumer the
/// server runs. Broker addresses come from <c>--broker</c>, else the usual variables
/// (<c>KAFKA_BROKERS</c>, <c>RABBITMQ_ADDR</c>, <c>REDIS_ADDR</c>), else the local servers that
/// <c>scripts/services.sh</c> starts (RabbitMQ <c>amqp://guest:guest@127.0.0.1:55672/</c>, Redis
/// <c>127.0.0.1:56379</c>, ports overridden by <c>SCOUTER_TEST_RABBITMQ_PORT</c> /
/// <c>SCOUTER_TEST_REDIS_PORT</c> as in that script); for Kafka without <c>KAFKA_BROKERS</c>,
/// librdkafka's in-process mock cluster stands in (a demo convenience, never for production).
/// </summary>
internal sealed class DemoTransport : IDisposable
{
    /// <summary>Topic, queue and stream the demo uses (and the Kafka consumer group).</summary>
    public const string Destination = "scouter_demo";

    public static readonly string[] Names = ["http", "kafka", "rabbitmq", "redis"];

    private readonly KafkaMockCluster? _mockCluster;

    private DemoTransport(string name, string? address, KafkaMockCluster? mockCluster)
    {
        Name = name;
        Address = address;
        _mockCluster = mockCluster;
    }

    public string Name { get; }

    /// <summary>Broker address (null for HTTP).</summary>
    public string? Address { get; }

    /// <summary>How the broker was reached, for the report.</summary>
    public string Description => Name switch
    {
        "http" => "HTTP",
        "kafka" when _mockCluster is not null => $"Kafka (librdkafka mock cluster at {Address}; set KAFKA_BROKERS for a real cluster)",
        "rabbitmq" => $"RabbitMQ at {RedactedAddress}",
        _ => $"{Name[0..1].ToUpperInvariant()}{Name[1..]} at {Address}",
    };

    private string? RedactedAddress => Address is not null && Uri.TryCreate(Address, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
        ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString()
        : Address;

    /// <summary>
    /// The route for <paramref name="name"/>; <paramref name="broker"/> (<c>--broker</c>) wins over the environment
    /// variable, which wins over the address of the local service. <paramref name="environment"/> reads variables
    /// (default: the process environment).
    /// </summary>
    public static DemoTransport Create(string name, string? broker, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Env(string variable) => environment(variable) is { Length: > 0 } value ? value : null;
        return name switch
        {
            "http" => new DemoTransport(name, null, null),
            "kafka" when (broker ?? Env("KAFKA_BROKERS")) is { } brokers => new DemoTransport(name, brokers, null),
            "kafka" => StartMockCluster(),
            "rabbitmq" => new DemoTransport(name, broker ?? Env("RABBITMQ_ADDR")
                ?? $"amqp://guest:guest@127.0.0.1:{Env("SCOUTER_TEST_RABBITMQ_PORT") ?? "55672"}/", null),
            "redis" => new DemoTransport(name, broker ?? Env("REDIS_ADDR") ?? $"127.0.0.1:{Env("SCOUTER_TEST_REDIS_PORT") ?? "56379"}", null),
            _ => throw new ArgumentException($"--transport '{name}' must be one of {string.Join(", ", Names)}."),
        };
    }

    /// <summary>
    /// Null when the broker accepts connections (or is the in-process mock, or the route is HTTP); else one
    /// line naming the address and how to start the local services.
    /// </summary>
    public async Task<string?> CheckReachableAsync(CancellationToken cancellationToken)
    {
        if (Address is null || _mockCluster is not null) return null;
        IReadOnlyList<(string Host, int Port)> endpoints;
        try
        {
            endpoints = BrokerProbe.Endpoints(Name, Address);
        }
        catch (ArgumentException)
        {
            return $"{Description}: the address names no host:port.";
        }
        if (await BrokerProbe.FirstProblemAsync(endpoints, cancellationToken) is not { } problem) return null;
        var at = string.Join(", ", endpoints.Select(e => e.Host.Contains(':', StringComparison.Ordinal) ? $"[{e.Host}]:{e.Port}" : $"{e.Host}:{e.Port}"));
        var (label, variable) = Name switch
        {
            "kafka" => ("Kafka", "KAFKA_BROKERS (unset it for the in-process mock cluster)"),
            "rabbitmq" => ("RabbitMQ", "RABBITMQ_ADDR"),
            _ => ("Redis", "REDIS_ADDR"),
        };
        var start = Name == "kafka" ? string.Empty : "start the local services with scripts/services.sh, or ";
        return $"cannot reach {label} at {at} ({problem}); {start}point --broker or {variable} at a running server.";
    }

    private static DemoTransport StartMockCluster()
    {
        var cluster = new KafkaMockCluster();
        // The mock cluster cannot create topics through the admin API; create them the way it can.
        cluster.CreateTopics(Destination, Destination + ".dlq");
        return new DemoTransport("kafka", cluster.BootstrapServers, cluster);
    }

    /// <summary>Enables the embedded server's consumer for this broker.</summary>
    public void ConfigureServer(ServerOptions options)
    {
        switch (Name)
        {
            case "kafka":
                options.KafkaBrokers = Address;
                options.KafkaTopic = Destination;
                options.KafkaGroupId = Destination;
                break;
            case "rabbitmq":
                options.RabbitMQAddress = Address;
                options.RabbitMQQueue = Destination;
                break;
            case "redis":
                options.RedisAddress = Address;
                options.RedisStream = Destination;
                break;
        }
    }

    /// <summary>The queue's transport.</summary>
    public IRecordTransport CreateTransport(string serverUrl, string password) => Name switch
    {
        "kafka" => new KafkaTransport(new KafkaConfig { Brokers = Address, Topic = Destination }),
        "rabbitmq" => new RabbitMQTransport(new RabbitMQConfig { Address = Address, Queue = Destination }),
        "redis" => new RedisTransport(new RedisConfig { Address = Address, Stream = Destination }),
        _ => new HttpTransport(new ScouterClientOptions { ServerUri = serverUrl, Username = "admin", Password = password }),
    };

    public void Dispose() => _mockCluster?.Dispose();
}
