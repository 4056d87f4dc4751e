using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Scouter.Records;
using StackExchange.Redis;

namespace Scouter.Redis;

/// <summary>
/// Settings of the Redis transport (client) and record source (server). Unset values come from
/// environment variables when the transport or source is built; values set in code win.
/// Invalid values throw <see cref="ArgumentException"/> naming the setting; passwords are never
/// part of a message or a log.
/// </summary>
public sealed partial class RedisConfig
{
    /// <summary>Default <see cref="Stream"/>.</summary>
    public const string DefaultStream = "scouter_monitoring";

    /// <summary>Default <see cref="Address"/>.</summary>
    public const string DefaultAddress = "localhost:6379";

    /// <summary>
    /// Address: <c>host:port</c>, <c>redis://[[user]:password@]host[:port][/db]</c> (<c>rediss://</c> for TLS),
    /// or a StackExchange.Redis configuration string (<c>host:port,password=...,ssl=true</c>).
    /// Default: <c>REDIS_ADDR</c>, else <c>localhost:6379</c>.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>Stream key the batches are appended to. Default: <c>REDIS_STREAM</c>, else <c>scouter_monitoring</c>.</summary>
    public string? Stream { get; set; }

    /// <summary>
    /// Approximate length bound of the stream (<c>XADD ... MAXLEN ~</c>), and of its dead-letter stream.
    /// Trimming drops the oldest entries whether or not the server has consumed them yet, so this must be
    /// far above the largest backlog expected while the servers are down or slow. Default 1 000 000 entries
    /// (one entry is one batch, up to 1 000 inserts).
    /// </summary>
    public long MaxLength { get; set; } = 1_000_000;

    /// <summary>
    /// Whether the server deletes an entry (<c>XDEL</c>) once it is stored and acknowledged, so that the
    /// stream holds only the backlog. Default true; set false when other consumer groups read the same
    /// stream (entries then stay until <see cref="MaxLength"/> trims them).
    /// </summary>
    public bool DeleteAfterAck { get; set; } = true;

    /// <summary>Consumer group the server replicas share (each entry goes to one replica). Default <c>scouter</c>.</summary>
    public string Group { get; set; } = "scouter";

    /// <summary>
    /// This replica's consumer name in <see cref="Group"/>. Default: unique per source instance
    /// (<c>machine-pid-random</c>), so a restarted replica never mistakes another's pending entries for its own.
    /// </summary>
    public string? ConsumerName { get; set; }

    /// <summary>Entries fetched per <c>XREADGROUP</c>. Default 64.</summary>
    public int ReadCount { get; set; } = 64;

    /// <summary>
    /// Entries handed to the server's ingestion pipeline at the same time. The pipeline commits
    /// concurrent batches together, so this is what gives throughput. Default 128.
    /// </summary>
    public int MaxInFlight { get; set; } = 128;

    /// <summary>
    /// Pending entries (read but not acknowledged) idle longer than this are reclaimed with <c>XAUTOCLAIM</c>
    /// and processed again: entries of a replica that died, or whose acknowledgement was lost to a Redis
    /// restart. Checked every half of this (at most every 30 s). Must be well above the time one batch
    /// takes to store, or a slow batch is processed twice (harmless: the server deduplicates by batch id).
    /// Default 60 s.
    /// </summary>
    public TimeSpan ClaimMinIdle { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Pause after a read that found nothing. StackExchange.Redis multiplexes one connection and does not
    /// support blocking reads (<c>BLOCK</c>), so the server polls; each pause is drawn from 0.5–1.5 times
    /// this so that replicas share the stream instead of one always waking first. Default 100 ms.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Timeout of each Redis command: an <c>XADD</c> of the transport (then a retryable failure), or a read
    /// or acknowledgement of the record source. Also the connect timeout. Default 10 s.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Record source: largest <c>batch</c> field, in bytes, checked when the entry is read; a larger entry is
    /// dead-lettered unparsed with reason <c>payload_too_large</c>. Default
    /// <see cref="RecordLimits.MaxMessageBytes"/> (16 MiB), the server's HTTP body limit.
    /// </summary>
    public int MaxMessageBytes { get; set; } = RecordLimits.MaxMessageBytes;

    /// <summary>Clock for polling and backoff. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Fills unset values from the environment (<paramref name="environment"/> in tests) and validates everything.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "The message names the invalid setting, not a parameter.")]
    internal RedisSettings Resolve(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var address = FirstSet(Address, environment("REDIS_ADDR")) ?? DefaultAddress;
        var stream = FirstSet(Stream, environment("REDIS_STREAM")) ?? DefaultStream;
        if (Address is not null && string.IsNullOrWhiteSpace(Address))
            throw new ArgumentException($"Address (REDIS_ADDR) must not be blank, got '{Address}'.", nameof(Address));
        if (Stream is not null && string.IsNullOrWhiteSpace(Stream))
            throw new ArgumentException($"Stream (REDIS_STREAM) must not be blank, got '{Stream}'.", nameof(Stream));
        if (string.IsNullOrWhiteSpace(Group))
            throw new ArgumentException($"Group must not be blank, got '{Group}'.", nameof(Group));
        if (ConsumerName is not null && string.IsNullOrWhiteSpace(ConsumerName))
            throw new ArgumentException($"ConsumerName must not be blank, got '{ConsumerName}'.", nameof(ConsumerName));
        if (MaxLength < 1)
            throw new ArgumentException(Invariant($"MaxLength must be at least 1, got {MaxLength}."), nameof(MaxLength));
        if (ReadCount is < 1 or > 10_000)
            throw new ArgumentException(Invariant($"ReadCount must be between 1 and 10000, got {ReadCount}."), nameof(ReadCount));
        if (MaxInFlight < 1)
            throw new ArgumentException(Invariant($"MaxInFlight must be at least 1, got {MaxInFlight}."), nameof(MaxInFlight));
        if (MaxMessageBytes < 1)
            throw new ArgumentException(Invariant($"MaxMessageBytes must be at least 1, got {MaxMessageBytes}."), nameof(MaxMessageBytes));
        RequirePositive(ClaimMinIdle, nameof(ClaimMinIdle));
        RequirePositive(PollInterval, nameof(PollInterval));
        RequirePositive(SendTimeout, nameof(SendTimeout));
        if (SendTimeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentException(Invariant($"SendTimeout must be at most {int.MaxValue} ms, got {SendTimeout}."), nameof(SendTimeout));

        var options = ParseAddress(address);
        var timeoutMs = (int)Math.Ceiling(SendTimeout.TotalMilliseconds);
        // Keep reconnecting in the background instead of failing the first connect for good.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = timeoutMs;
        options.AsyncTimeout = timeoutMs;
        options.SyncTimeout = timeoutMs;
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 2_000);

        var consumer = ConsumerName ?? string.Create(CultureInfo.InvariantCulture,
            $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var claimInterval = TimeSpan.FromTicks(Math.Clamp(ClaimMinIdle.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));
        return new RedisSettings(options, Redact(address), stream, MaxLength, DeleteAfterAck, Group, consumer, ReadCount, MaxInFlight, ClaimMinIdle,
            claimInterval, PollInterval, SendTimeout, TimeProvider ?? TimeProvider.System);
    }

    /// <summary><paramref name="address"/> with any password replaced by <c>***</c>, for messages and logs.</summary>
    internal static string Redact(string address)
    {
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var at = address.LastIndexOf('@');
            return at > scheme ? string.Concat(address.AsSpan(0, scheme + 3), "***", address.AsSpan(at)) : address;
        }
        return PasswordOption().Replace(address, "${key}=***");
    }

    private static ConfigurationOptions ParseAddress(string address)
    {
        if (address.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || address.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            return ParseUri(address);
        if (address.Contains("://", StringComparison.Ordinal))
            throw InvalidAddress(address, "the URI scheme must be redis:// or rediss://");

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(address);
        }
        catch (ArgumentException)
        {
            // The parser's own message may quote a password option; say what is wrong without it.
            throw InvalidAddress(address, "not a host:port or StackExchange.Redis configuration string");
        }
        if (options.EndPoints.Count == 0) throw InvalidAddress(address, "no host:port");
        return options;
    }

    private static ConfigurationOptions ParseUri(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw InvalidAddress(address, "not a valid redis:// URI");
        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            var user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                if (user.Length > 0) options.User = user;
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
            else
            {
                // redis://password@host (no colon) is the legacy password-only form.
                options.Password = user;
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database))
                throw InvalidAddress(address, "the path must be a database number");
            options.DefaultDatabase = database;
        }
        return options;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "The setting, not this helper's parameter, is what is invalid.")]
    private static ArgumentException InvalidAddress(string address, string problem) =>
        new($"Address (REDIS_ADDR) is invalid ({problem}), got '{Redact(address)}'.", nameof(Address));

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentException(Invariant($"{name} must be positive, got {value}."), name);
    }

    private static string? FirstSet(string? configured, string? environment) =>
        !string.IsNullOrWhiteSpace(configured) ? configured : !string.IsNullOrWhiteSpace(environment) ? environment : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("(?<key>password)=[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordOption();
}

/// <summary>Validated settings with the environment applied.</summary>
internal sealed record RedisSettings(
    ConfigurationOptions Options,
    string RedactedAddress,
    string Stream,
    long MaxLength,
    bool DeleteAfterAck,
    string Group,
    string ConsumerName,
    int ReadCount,
    int MaxInFlight,
    TimeSpan ClaimMinIdle,
    TimeSpan ClaimInterval,
    TimeSpan PollInterval,
    TimeSpan SendTimeout,
    TimeProvider Time)
{
    /// <summary>Where entries that can never be stored go.</summary>
    public string DeadLetterStream => Stream + ":dlq";
}
