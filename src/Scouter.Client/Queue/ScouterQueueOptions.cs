using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Scouter.Client;

/// <summary>
/// Settings of a <see cref="ScouterQueue"/>. Plain mutable options; validated when the queue is
/// built (a bad value throws <see cref="ScouterConfigException"/> naming the field).
/// </summary>
public sealed class ScouterQueueOptions
{
    /// <summary>How often partial aggregates are cut into a batch even when no count threshold was reached (default 30 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Batches waiting for delivery before the oldest is dropped (default 10 000).</summary>
    public int MaxBufferedBatches { get; set; } = 10_000;

    /// <summary>
    /// Batches sent at once (default 4, at most 64). Sends start in buffer order but may complete out
    /// of order (the server does not depend on order). During a retry backoff one batch at a time
    /// probes the receiver. 1 sends strictly in order, one after another.
    /// </summary>
    public int MaxConcurrentSends { get; set; } = 4;

    /// <summary>How long <see cref="ScouterQueue.DisposeAsync"/> waits for delivery (default 10 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff cap of the first retry; doubles per failed attempt, with full jitter (default 200 ms).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the retry backoff (default 30 s). A receiver's <c>Retry-After</c> is honoured as given.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Inserts waiting for the background worker; when full an insert is dropped and counted as <c>channel_full</c> (default 100 000).</summary>
    public int ChannelCapacity { get; set; } = 100_000;

    /// <summary>The clock for batch timestamps, flush intervals and backoff (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the queue logs dropped batches and data errors (default no logging).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// How <see cref="ProfileQueue.Insert{T}(T)"/> names the features of a typed object: null (default)
    /// uses member names as declared; e.g. <see cref="JsonNamingPolicy.SnakeCaseLower"/> turns
    /// <c>CreditScore</c> into <c>credit_score</c>, to match a profile built from a CSV file. A
    /// <see cref="FeatureNameAttribute"/> on a member wins over the policy. Names are converted once
    /// per type and policy, when the type is first inserted; no conversion happens per insert.
    /// </summary>
    public JsonNamingPolicy? FeatureNamingPolicy { get; set; }

    /// <summary>Seed for LLM sampling and retry jitter; null (default) seeds randomly. Set it in tests for repeatable runs.</summary>
    public int? RandomSeed { get; set; }

    internal void Validate()
    {
        if (FlushInterval <= TimeSpan.Zero) throw new ScouterConfigException("flush_interval", FlushInterval, "must be positive");
        if (MaxBufferedBatches < 1) throw new ScouterConfigException("max_buffered_batches", MaxBufferedBatches, "must be at least 1");
        if (MaxConcurrentSends is < 1 or > 64) throw new ScouterConfigException("max_concurrent_sends", MaxConcurrentSends, "must be between 1 and 64");
        if (ShutdownTimeout < TimeSpan.Zero) throw new ScouterConfigException("shutdown_timeout", ShutdownTimeout, "must not be negative");
        if (InitialBackoff <= TimeSpan.Zero) throw new ScouterConfigException("initial_backoff", InitialBackoff, "must be positive");
        if (MaxBackoff < InitialBackoff) throw new ScouterConfigException("max_backoff", MaxBackoff, "must be at least initial_backoff");
        if (ChannelCapacity < 1) throw new ScouterConfigException("channel_capacity", ChannelCapacity, "must be at least 1");
        if (TimeProvider is null) throw new ScouterConfigException("time_provider", null, "must not be null");
        if (LoggerFactory is null) throw new ScouterConfigException("logger_factory", null, "must not be null");
    }
}
