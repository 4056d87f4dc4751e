using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Ingestion;
using Scouter.Resilience;
using StackExchange.Redis;

namespace Scouter.Redis;

/// <summary>
/// The server's Redis consumer: one member of a consumer group on the stream, so that N server replicas
/// share the entries. Each entry's <c>batch</c> field goes to the ingestion pipeline (up to
/// <see cref="RedisConfig.MaxInFlight"/> at once) and is acknowledged (<c>XACK</c>) only once stored or
/// recognised as a duplicate, following <see cref="RecordSinkPolicy"/>. An entry that can never be stored, or the
/// refused records of a batch that was stored, are appended to <c>&lt;stream&gt;:dlq</c> (fields <c>batch</c>,
/// <c>error</c>, <c>source_id</c>) and only then is the entry acknowledged. An outage of Redis is logged once when
/// it starts and once when it ends. Entries left pending by a
/// replica that died, or whose acknowledgement was lost, are reclaimed with <c>XAUTOCLAIM</c> after
/// <see cref="RedisConfig.ClaimMinIdle"/>.
/// </summary>
public sealed class RedisRecordSource : IRecordSource
{
    private const string BatchField = "batch";
    // A consumer with nothing pending is only a name; one idle this long belonged to a replica that is gone.
    private static readonly TimeSpan ForgetConsumerAfter = TimeSpan.FromHours(1);

    private readonly RedisSettings _settings;
    private readonly ILogger _logger;
    private readonly RecordSinkPolicy _policy;
    private readonly Outage _outage;

    /// <summary>Creates the source.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public RedisRecordSource(RedisConfig config, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _settings = config.Resolve();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisRecordSource>();
        _policy = new RecordSinkPolicy(_settings.Time, maxMessageBytes: config.MaxMessageBytes);
        _outage = new Outage(_settings.Time);
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <summary>This replica's consumer name in the group.</summary>
    public string ConsumerName => _settings.ConsumerName;

    /// <inheritdoc />
    public async Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_settings.Options.Clone());
        // Cancelled on shutdown, or when the loop fails unexpectedly: either way the in-flight entries stop
        // retrying and are drained before the connection they use is disposed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var run = new Run(this, sink, connection.GetDatabase(), stop.Token);
        try
        {
            await run.ConsumeAsync();
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            await run.DrainAsync();
        }
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>Redis not reachable (or refusing the connection), as opposed to an error reply to one command.</summary>
    private static bool IsUnavailable(Exception ex) => ex is RedisConnectionException or TimeoutException or ObjectDisposedException;

    /// <summary>One run of the consumer loop, with its in-flight entries.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "ConsumeAsync ends the lifetime and disposes the semaphore.")]
    private sealed class Run
    {
        private readonly RedisSettings _s;
        private readonly ILogger _logger;
        private readonly RecordSinkPolicy _policy;
        private readonly Outage _outage;
        private readonly IRecordBatchSink _sink;
        private readonly IDatabase _db;
        private readonly CancellationToken _stopping;
        private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _slotFreed = new(0);
        private readonly StreamAddOptions _deadLetterOptions;
        private RedisValue _claimCursor = "0-0";
        private DateTimeOffset _nextClaimAt = DateTimeOffset.MinValue;
        private bool _groupReady;

        public Run(RedisRecordSource source, IRecordBatchSink sink, IDatabase db, CancellationToken stopping)
        {
            _s = source._settings;
            _logger = source._logger;
            _policy = source._policy;
            _outage = source._outage;
            _sink = sink;
            _db = db;
            _stopping = stopping;
            _deadLetterOptions = new StreamAddOptions { MaxLength = _s.MaxLength, Approximate = true };
        }

        private int FreeSlots => _s.MaxInFlight - _inFlight.Count;

        public async Task ConsumeAsync()
        {
            Log.Started(_logger, _s.ConsumerName, _s.Stream, _s.RedactedAddress, _s.Group);
            var errors = 0;
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    if (FreeSlots <= 0)
                    {
                        await _slotFreed.WaitAsync(_stopping);
                        continue;
                    }
                    if (!_groupReady) await EnsureGroupAsync();

                    var now = _s.Time.GetUtcNow();
                    if (now >= _nextClaimAt) await ClaimIdleAsync(now);

                    var count = Math.Min(_s.ReadCount, FreeSlots);
                    var entries = count > 0
                        ? await _db.StreamReadGroupAsync(_s.Stream, _s.Group, _s.ConsumerName, StreamPosition.NewMessages, count)
                        : [];
                    foreach (var entry in entries) Start(entry);
                    errors = 0;
                    Reachable();
                    // Jitter keeps replicas polling at the same interval from locking into one phase, in which
                    // the one that always wakes first takes every new entry and the others idle.
                    if (entries.Length == 0) await Task.Delay(_s.PollInterval * (0.5 + Random.Shared.NextDouble()), _s.Time, _stopping);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (IsRedisFailure(ex))
                {
                    // NOGROUP: the stream or group was deleted (or Redis lost its data): create it again.
                    if (ex is RedisServerException && ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal)) _groupReady = false;
                    var delay = _policy.Backoff.Delay(++errors);
                    Failed(ex, delay);
                    if (!await _policy.WaitAsync(delay, _stopping)) break;
                }
            }

        }

        /// <summary>Waits for the in-flight entries: stored and acknowledged, or left pending once stopping.</summary>
        public async Task DrainAsync()
        {
            Log.Stopping(_logger, _s.ConsumerName, _inFlight.Count, _s.Stream);
            await Task.WhenAll(_inFlight.Values);
            _slotFreed.Dispose();
        }

        private async Task EnsureGroupAsync()
        {
            try
            {
                // From id 0 with MKSTREAM: entries appended before the first server started are consumed too.
                await _db.StreamCreateConsumerGroupAsync(_s.Stream, _s.Group, "0", createStream: true);
                Log.GroupCreated(_logger, _s.Group, _s.Stream);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // Another replica (or an earlier run) created it.
            }
            _groupReady = true;
        }

        /// <summary>
        /// Takes over entries pending longer than ClaimMinIdle in the whole group (this consumer included:
        /// an entry whose XREADGROUP reply or XACK was lost is pending here but not in flight).
        /// </summary>
        private async Task ClaimIdleAsync(DateTimeOffset now)
        {
            var minIdleMs = (long)_s.ClaimMinIdle.TotalMilliseconds;
            var claimed = 0;
            while (FreeSlots > 0)
            {
                var result = await _db.StreamAutoClaimAsync(_s.Stream, _s.Group, _s.ConsumerName, minIdleMs, _claimCursor, FreeSlots);
                if (result.DeletedIds is { Length: > 0 } deleted)
                    Log.PendingEntriesDeleted(_logger, deleted.Length, _s.Stream, deleted[0].ToString());
                foreach (var entry in result.ClaimedEntries)
                {
                    if (entry.IsNull || _inFlight.ContainsKey(entry.Id.ToString())) continue;
                    Start(entry);
                    claimed++;
                }
                _claimCursor = result.IsNull || result.NextStartId.IsNull ? "0-0" : result.NextStartId;
                if (_claimCursor == "0-0")
                {
                    // Scan complete: the next one starts after the interval. Otherwise, out of slots, resume it soon.
                    _nextClaimAt = now + _s.ClaimInterval;
                    await ForgetIdleConsumersAsync();
                    break;
                }
            }
            if (claimed > 0) Log.Reclaimed(_logger, claimed, _s.Stream, _s.ClaimMinIdle);
        }

        /// <summary>Every replica start adds a consumer name; drop those of replicas long gone with nothing pending.</summary>
        private async Task ForgetIdleConsumersAsync()
        {
            foreach (var consumer in await _db.StreamConsumerInfoAsync(_s.Stream, _s.Group))
            {
                if (consumer.PendingMessageCount > 0 || consumer.IdleTimeInMilliseconds < ForgetConsumerAfter.TotalMilliseconds) continue;
                if (consumer.Name == _s.ConsumerName) continue;
                await _db.StreamDeleteConsumerAsync(_s.Stream, _s.Group, consumer.Name);
                Log.ConsumerRemoved(_logger, consumer.Name, _s.Group, _s.Stream);
            }
        }

        private void Start(StreamEntry entry)
        {
            var id = entry.Id.ToString();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_inFlight.TryAdd(id, started.Task)) return;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ProcessAsync(id, entry);
                }
                finally
                {
                    _inFlight.TryRemove(id, out _);
                    started.SetResult();
                    try
                    {
                        _slotFreed.Release();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The run is over; nobody waits for slots.
                    }
                }
            }, CancellationToken.None);
        }

        /// <summary>Stores (or dead-letters) one entry, then acknowledges it. Never throws.</summary>
        private async Task ProcessAsync(string id, StreamEntry entry)
        {
            var body = entry[BatchField];
            var decision = body.IsNull
                ? new RecordDecision(RecordAction.DeadLetterMessage, ReadOnlyMemory<byte>.Empty,
                    $"missing_batch_field (field {BatchField}): the stream entry has no '{BatchField}' field", default)
                // Not the stopping token for the sink: on shutdown the in-flight batch is finished, not abandoned.
                : await _policy.IngestAsync(_sink, (ReadOnlyMemory<byte>)body, retry =>
                {
                    if (retry.Exception is { } ex) Log.SinkFailed(_logger, ex, id, _s.Stream);
                    Log.RetryLater(_logger, id, _s.Stream, retry.Error, retry.Attempt, retry.Delay);
                }, _stopping);

            if (decision.Action == RecordAction.Keep)
            {
                Log.LeftPending(_logger, id, _s.Stream);
                return;
            }
            if (decision.Action is RecordAction.DeadLetterMessage or RecordAction.DeadLetterRejected)
            {
                var reason = decision.Reason ?? "invalid_record_batch";
                NameValueEntry[] fields =
                [
                    new(BatchField, decision.Action == RecordAction.DeadLetterMessage && !body.IsNull ? body : (RedisValue)decision.DeadLetterBody),
                    new("error", reason),
                    new("source_id", id),
                ];
                // Acknowledged only once the dead letter is written: until then the entry stays pending.
                if (!await RetryRedisAsync(() => _db.StreamAddAsync(_s.DeadLetterStream, fields, _deadLetterOptions)))
                {
                    Log.LeftPending(_logger, id, _s.Stream);
                    return;
                }
                if (decision.Action == RecordAction.DeadLetterRejected)
                    Log.RejectedDeadLettered(_logger, id, _s.Stream, decision.Result.Rejected.Count, _s.DeadLetterStream, reason);
                else
                    Log.DeadLettered(_logger, id, _s.Stream, _s.DeadLetterStream, reason);
            }

            if (!await RetryRedisAsync(() => _db.StreamAcknowledgeAsync(_s.Stream, _s.Group, id)))
            {
                Log.LeftPending(_logger, id, _s.Stream);
                return;
            }
            // The stream is Scouter's work queue: a stored entry is deleted so that memory holds only the
            // backlog (MAXLEN trimming is the bound for an outage, not the steady state). A failed delete
            // only leaves the entry for trimming.
            if (_s.DeleteAfterAck) await RetryRedisAsync(() => _db.StreamDeleteAsync(_s.Stream, [id]));
        }

        /// <summary>Redis answered: ends an outage under way (logged once, at Information).</summary>
        private void Reachable()
        {
            if (_outage.Succeeded(out var duration, out var failures)) Log.Reachable(_logger, _s.RedactedAddress, duration, failures);
        }

        /// <summary>
        /// A failed Redis command. Unavailability is logged once per outage (Warning), each further failure at Debug;
        /// an error reply to a command (e.g. WRONGTYPE) is logged every time.
        /// </summary>
        private void Failed(Exception ex, TimeSpan delay)
        {
            if (!IsUnavailable(ex))
            {
                Log.RedisError(_logger, ex, _s.Stream, delay);
                return;
            }
            if (_outage.Failed(out var since, out var failures)) Log.Unavailable(_logger, _s.RedactedAddress, since, ex.Message);
            else Log.StillUnavailable(_logger, ex, _s.RedactedAddress, failures, delay);
        }

        /// <summary>
        /// Runs a Redis command until it succeeds. Once stopping, makes a few more attempts (the entry is
        /// stored; an acknowledgement saves a reprocessing later) and then gives up.
        /// </summary>
        private async Task<bool> RetryRedisAsync(Func<Task> command)
        {
            const int attemptsWhenStopping = 3;
            var stoppingAttempts = 0;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await command();
                    Reachable();
                    return true;
                }
                catch (Exception ex) when (IsRedisFailure(ex))
                {
                    if (_stopping.IsCancellationRequested && ++stoppingAttempts >= attemptsWhenStopping) return false;
                    var stopping = _stopping.IsCancellationRequested;
                    var delay = stopping ? _policy.Backoff.Initial : _policy.Backoff.Delay(attempt);
                    Failed(ex, delay);
                    // Once stopping, the last attempts wait without the token (they are few and short); a wait cut short
                    // by the stop goes straight to them.
                    _ = await _policy.WaitAsync(delay, stopping ? CancellationToken.None : _stopping);
                }
            }
        }
    }
}
