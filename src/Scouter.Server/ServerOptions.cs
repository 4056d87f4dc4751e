using System.Globalization;
using Scouter.Records;
using Scouter.Server.Evaluation;

namespace Scouter.Server;

/// <summary>
/// Server settings. Read from configuration (appsettings.json, environment, command line) under the
/// documented <c>SCOUTER_…</c> names; see the README's server section for every setting.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>Address to listen on (default 127.0.0.1).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>HTTP port (default 8000; 0 picks a free port).</summary>
    public int Port { get; set; } = 8000;

    /// <summary>Where the SQLite database and the generated JWT key live (default <c>./scouter-data</c>).</summary>
    public string DataDir { get; set; } = Path.GetFullPath("scouter-data");

    /// <summary>LLM record evaluation: concurrency, rate, attempts, lease, pause, failure-rate alert (the <c>SCOUTER_LLM_*</c> settings).</summary>
    public Evaluation.EvaluationOptions Evaluation { get; set; } = new();

    /// <summary><c>postgresql://user:pass@host:port/db</c>; empty means SQLite in <see cref="DataDir"/>.</summary>
    public string? DatabaseUri { get; set; }

    /// <summary>JWT signing key (at least 32 bytes); generated into the data directory when unset.</summary>
    public string? JwtSecret { get; set; }

    /// <summary>Password of the bootstrap <c>admin</c> user; a random one is logged once when unset.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Days of raw records kept (default 60).</summary>
    public int RetentionDays { get; set; } = 60;

    /// <summary>
    /// Per-feature, per-check false-alarm probability of SPC alerts (default 0.01): the run rules'
    /// lengths are raised for the check window's sample count so that in-distribution data opens an
    /// alert with at most this probability (docs/spc-alerts.md).
    /// </summary>
    public double SpcFalseAlarmRate { get; set; } = Scouter.Drift.SpcAlertCalibration.DefaultFalseAlarmRate;

    /// <summary>Days of hourly roll-ups kept (default 400), so long trends stay queryable after the raw records are gone.</summary>
    public int RollupRetentionDays { get; set; } = 400;

    /// <summary>How often new records are folded into the hourly roll-ups (default 10 s). Reads are exact whatever it is; a shorter interval keeps the raw part of reads smaller.</summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent drift checks per replica (default 4).</summary>
    public int JobWorkers { get; set; } = 4;

    /// <summary>How often the job runner looks for due profiles (default 5 s).</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed check stays leased to a replica before another may take it (default 60 s).</summary>
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Largest accepted request body and broker message (default <see cref="RecordLimits.MaxMessageBytes"/>, 16 MiB;
    /// at most <see cref="MaxRequestBodyBytesLimit"/>). A larger body gets 413, answered from its declared
    /// Content-Length before any of it is read; a larger broker message is dead-lettered.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = RecordLimits.MaxMessageBytes;

    /// <summary>The highest <see cref="MaxRequestBodyBytes"/>: 512 MiB.</summary>
    public const int MaxRequestBodyBytesLimit = 512 * 1024 * 1024;

    /// <summary>Record batches waiting for the writers before <c>POST /records</c> answers 429 (default 256).</summary>
    public int IngestQueueCapacity { get; set; } = 256;

    /// <summary>
    /// Estimated memory of the record batches waiting for (or being stored by) the writers before
    /// <c>POST /records</c> answers 429 <c>ingest_queue_full</c> and broker consumers wait (default 256 MiB).
    /// A single batch larger than this is still taken when the queue is empty.
    /// </summary>
    public long IngestQueueMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Whether <c>/metrics</c> requires authentication (default false).</summary>
    public bool MetricsRequireAuth { get; set; }

    /// <summary>Slack bot token for the Slack channel.</summary>
    public string? SlackAppToken { get; set; }

    /// <summary>Slack API base URL (default https://slack.com/api).</summary>
    public string SlackApiUrl { get; set; } = "https://slack.com/api";

    /// <summary>OpsGenie API key for the OpsGenie channel.</summary>
    public string? OpsGenieApiKey { get; set; }

    /// <summary>OpsGenie alerts URL (default https://api.opsgenie.com/v2/alerts).</summary>
    public string OpsGenieApiUrl { get; set; } = "https://api.opsgenie.com/v2/alerts";

    /// <summary>HMAC secret for webhook signatures.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Comma-separated host names, IP addresses and CIDR networks alert deliveries may reach although
    /// they are loopback, private, link-local or otherwise non-public (<c>SCOUTER_ALERT_ALLOWED_HOSTS</c>,
    /// default none: such destinations are refused).
    /// </summary>
    public string? AlertAllowedHosts { get; set; }

    /// <summary>
    /// Comma-separated IP addresses and CIDR networks of the reverse proxies or load balancers in front of
    /// the server (<c>SCOUTER_TRUSTED_PROXIES</c>, default none). From them, and only from them,
    /// <c>X-Forwarded-For</c> gives the client address (login throttling) and <c>X-Forwarded-Proto</c>
    /// the scheme (HTTPS marks the session cookies <c>Secure</c>). docs/deploy.md "TLS and the reverse proxy".
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>The networks of <see cref="TrustedProxies"/>; an entry that is not an address or a CIDR network throws naming the setting.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks() =>
    [
        .. AddressSettings.Entries(TrustedProxies).Select(entry => AddressSettings.TryParseNetwork(entry, TrustedProxiesSetting, out var network)
            ? network
            : throw new InvalidOperationException($"Setting {TrustedProxiesSetting} entry '{entry}' must be an IP address or a CIDR network.")),
    ];

    private const string TrustedProxiesSetting = "SCOUTER_TRUSTED_PROXIES";

    /// <summary>Kafka bootstrap servers; setting it enables the Kafka consumer (<c>KAFKA_BROKERS</c>).</summary>
    public string? KafkaBrokers { get; set; }

    /// <summary>Kafka topic consumed (<c>KAFKA_TOPIC</c>, default <c>scouter_monitoring</c>).</summary>
    public string KafkaTopic { get; set; } = "scouter_monitoring";

    /// <summary>Kafka consumer group shared by the replicas (<c>KAFKA_GROUP_ID</c>, default <c>scouter</c>).</summary>
    public string KafkaGroupId { get; set; } = "scouter";

    /// <summary>RabbitMQ address (<c>amqp://user:pass@host:port/vhost</c>); setting it enables the RabbitMQ consumer (<c>RABBITMQ_ADDR</c>).</summary>
    public string? RabbitMQAddress { get; set; }

    /// <summary>RabbitMQ queue consumed (<c>RABBITMQ_QUEUE</c>, default <c>scouter_monitoring</c>).</summary>
    public string RabbitMQQueue { get; set; } = "scouter_monitoring";

    /// <summary>Redis address (<c>host:port</c> or a StackExchange.Redis configuration string); setting it enables the Redis consumer (<c>REDIS_ADDR</c>).</summary>
    public string? RedisAddress { get; set; }

    /// <summary>Redis stream consumed (<c>REDIS_STREAM</c>, default <c>scouter_monitoring</c>).</summary>
    public string RedisStream { get; set; } = "scouter_monitoring";

    /// <summary>
    /// The LLM judge of LLM profiles (<c>SCOUTER_LLM_ENDPOINT</c>, <c>SCOUTER_LLM_MODEL</c>, <c>SCOUTER_LLM_API_KEY</c>,
    /// <c>SCOUTER_LLM_RESPONSE_FORMAT</c>, <c>SCOUTER_LLM_TIMEOUT</c>, <c>SCOUTER_LLM_MAX_ANSWER_BYTES</c>); default none:
    /// judge metrics wait, assertion metrics are still evaluated.
    /// </summary>
    public JudgeOptions Judge { get; set; } = new();

    /// <summary>Whether the database is PostgreSQL.</summary>
    public bool UsesPostgres => !string.IsNullOrWhiteSpace(DatabaseUri);

    /// <summary>
    /// Reads settings from <paramref name="configuration"/>: the <c>SCOUTER_*</c> keys (environment
    /// variables as they are), and the same names without the prefix in lower case from the command line
    /// (<c>--port</c>, <c>--data-dir</c>, <c>--database-uri</c>). Invalid values throw naming the setting.
    /// </summary>
    public static ServerOptions FromConfiguration(IConfiguration configuration)
    {
        var o = new ServerOptions();
        string? Get(string name) =>
            configuration["SCOUTER_" + name] is { Length: > 0 } env ? env : configuration[name.ToLowerInvariant().Replace('_', '-')];

        o.Host = Get("HOST") ?? o.Host;
        o.Port = Int(Get("PORT"), "SCOUTER_PORT", o.Port, 0, 65535);
        o.DataDir = Path.GetFullPath(Get("DATA_DIR") ?? o.DataDir);
        o.DatabaseUri = Get("DATABASE_URI");
        o.JwtSecret = Get("JWT_SECRET");
        o.AdminPassword = Get("ADMIN_PASSWORD");
        o.RetentionDays = Int(Get("RETENTION_DAYS"), "SCOUTER_RETENTION_DAYS", o.RetentionDays, 1, 36500);
        o.SpcFalseAlarmRate = Fraction(Get("SPC_FALSE_ALARM_RATE"), "SCOUTER_SPC_FALSE_ALARM_RATE", o.SpcFalseAlarmRate) is var rate && rate > 0
            ? rate
            : throw new InvalidOperationException("Setting SCOUTER_SPC_FALSE_ALARM_RATE must be above 0 and below 1.");
        o.RollupRetentionDays = Int(Get("ROLLUP_RETENTION_DAYS"), "SCOUTER_ROLLUP_RETENTION_DAYS", o.RollupRetentionDays, 1, 36500);
        o.RollupInterval = Duration(Get("ROLLUP_INTERVAL"), "SCOUTER_ROLLUP_INTERVAL", o.RollupInterval);
        o.JobWorkers = Int(Get("JOB_WORKERS"), "SCOUTER_JOB_WORKERS", o.JobWorkers, 1, 256);
        o.JobPollInterval = Duration(Get("JOB_POLL_INTERVAL"), "SCOUTER_JOB_POLL_INTERVAL", o.JobPollInterval);
        o.JobLease = Duration(Get("JOB_LEASE"), "SCOUTER_JOB_LEASE", o.JobLease);
        o.MaxRequestBodyBytes = Int(Get("MAX_REQUEST_BODY_BYTES"), "SCOUTER_MAX_REQUEST_BODY_BYTES", (int)o.MaxRequestBodyBytes, 1024, MaxRequestBodyBytesLimit);
        o.IngestQueueCapacity = Int(Get("INGEST_QUEUE_CAPACITY"), "SCOUTER_INGEST_QUEUE_CAPACITY", o.IngestQueueCapacity, 1, 1_000_000);
        o.IngestQueueMaxBytes = Long(Get("INGEST_QUEUE_MAX_BYTES"), "SCOUTER_INGEST_QUEUE_MAX_BYTES", o.IngestQueueMaxBytes, 1024 * 1024, long.MaxValue);
        o.Evaluation = new Evaluation.EvaluationOptions
        {
            Concurrency = Int(Get("LLM_CONCURRENCY"), "SCOUTER_LLM_CONCURRENCY", o.Evaluation.Concurrency, 1, 256),
            RequestsPerMinute = Int(Get("LLM_REQUESTS_PER_MINUTE"), "SCOUTER_LLM_REQUESTS_PER_MINUTE", o.Evaluation.RequestsPerMinute, 0, 1_000_000),
            MaxAttempts = Int(Get("LLM_MAX_ATTEMPTS"), "SCOUTER_LLM_MAX_ATTEMPTS", o.Evaluation.MaxAttempts, 1, 100),
            Lease = Duration(Get("LLM_LEASE"), "SCOUTER_LLM_LEASE", o.Evaluation.Lease),
            PollInterval = Duration(Get("LLM_POLL_INTERVAL"), "SCOUTER_LLM_POLL_INTERVAL", o.Evaluation.PollInterval),
            Pause = Duration(Get("LLM_PAUSE"), "SCOUTER_LLM_PAUSE", o.Evaluation.Pause),
            FailureRate = Fraction(Get("LLM_FAILURE_RATE"), "SCOUTER_LLM_FAILURE_RATE", o.Evaluation.FailureRate),
        };
        o.MetricsRequireAuth = Get("METRICS_REQUIRE_AUTH") is { } m && bool.Parse(m);
        o.SlackAppToken = configuration["SLACK_APP_TOKEN"];
        o.SlackApiUrl = configuration["SLACK_API_URL"] ?? o.SlackApiUrl;
        o.OpsGenieApiKey = configuration["OPSGENIE_API_KEY"];
        o.OpsGenieApiUrl = configuration["OPSGENIE_API_URL"] ?? o.OpsGenieApiUrl;
        o.WebhookSecret = Get("WEBHOOK_SECRET");
        o.AlertAllowedHosts = NonEmpty(Get("ALERT_ALLOWED_HOSTS"));
        o.TrustedProxies = NonEmpty(Get("TRUSTED_PROXIES"));
        _ = o.TrustedProxyNetworks();
        o.KafkaBrokers = NonEmpty(configuration["KAFKA_BROKERS"]);
        o.KafkaTopic = NonEmpty(configuration["KAFKA_TOPIC"]) ?? o.KafkaTopic;
        o.KafkaGroupId = NonEmpty(configuration["KAFKA_GROUP_ID"]) ?? o.KafkaGroupId;
        o.RabbitMQAddress = NonEmpty(configuration["RABBITMQ_ADDR"]);
        o.RabbitMQQueue = NonEmpty(configuration["RABBITMQ_QUEUE"]) ?? o.RabbitMQQueue;
        o.RedisAddress = NonEmpty(configuration["REDIS_ADDR"]);
        o.RedisStream = NonEmpty(configuration["REDIS_STREAM"]) ?? o.RedisStream;
        o.Judge.Endpoint = NonEmpty(Get("LLM_ENDPOINT")) is { } endpoint ? JudgeOptions.ParseEndpoint(endpoint) : null;
        o.Judge.Model = NonEmpty(Get("LLM_MODEL"));
        o.Judge.ApiKey = NonEmpty(Get("LLM_API_KEY"));
        o.Judge.ResponseFormat = NonEmpty(Get("LLM_RESPONSE_FORMAT")) is { } format ? JudgeOptions.ParseResponseFormat(format) : o.Judge.ResponseFormat;
        o.Judge.Timeout = Duration(Get("LLM_TIMEOUT"), "SCOUTER_LLM_TIMEOUT", o.Judge.Timeout);
        o.Judge.MaxAnswerBytes = Int(Get("LLM_MAX_ANSWER_BYTES"), "SCOUTER_LLM_MAX_ANSWER_BYTES", o.Judge.MaxAnswerBytes, 1024, 16 * 1024 * 1024);
        return o;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static int Int(string? text, string name, int fallback, int min, int max) => (int)Long(text, name, fallback, min, max);

    private static long Long(string? text, string name, long fallback, long min, long max)
    {
        if (text is null) return fallback;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Setting {name}='{text}' must be an integer from {min} to {max}."));
    }

    private static double Fraction(string? text, string name, double fallback)
    {
        if (text is null) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && v < 1
            ? v
            : throw new InvalidOperationException($"Setting {name}='{text}' must be a number from 0 to below 1.");
    }

    /// <summary>Durations are seconds ("5", "0.5") or TimeSpan text ("00:00:05").</summary>
    private static TimeSpan Duration(string? text, string name, TimeSpan fallback)
    {
        if (text is null) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0) return TimeSpan.FromSeconds(seconds);
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero) return span;
        throw new InvalidOperationException($"Setting {name}='{text}' must be a positive number of seconds or a TimeSpan.");
    }
}
