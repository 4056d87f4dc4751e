using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Ingestion;
using Scouter.Resilience;

namespace Scouter.Kafka;

/// <summary>
/// The server's Kafka consumer: one member of the consumer group <see cref="KafkaConfig.GroupId"/>, so
/// the topic's partitions are shared by the server replicas. It takes the messages already fetched (up to
/// <see cref="KafkaConfig.ConsumeBatchSize"/>), stores them concurrently through the sink, then commits
/// each partition's offset past the stored messages: an offset is committed only after its batch is
/// stored. What happens to each message is <see cref="RecordSinkPolicy"/>'s: a message the server cannot
/// store now is retried in place with backoff (never skipped); an invalid one is copied to
/// <c>&lt;topic&gt;.dlq</c> with the error in its headers, and of a batch stored except some refused records,
/// those records are; the offset is committed only after the dead letter is written. An outage of the
/// brokers is logged once when it starts and once when it ends. On shutdown it finishes the messages in
/// hand, commits, and leaves the group.
/// </summary>
public sealed class KafkaRecordSource : IRecordSource
{
    /// <summary>Dead-letter header: why the message was refused (problem code, field and message), UTF-8.</summary>
    public const string ErrorHeader = "scouter_error";

    /// <summary>Dead-letter header: the topic the message was consumed from, UTF-8.</summary>
    public const string SourceTopicHeader = "scouter_source_topic";

    /// <summary>Dead-letter header: the partition the message was consumed from, decimal UTF-8.</summary>
    public const string SourcePartitionHeader = "scouter_source_partition";

    /// <summary>Dead-letter header: the offset of the message in its partition, decimal UTF-8.</summary>
    public const string SourceOffsetHeader = "scouter_source_offset";

    private static readonly TimeSpan FirstMessageWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BusyPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConsumeErrorPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TopicSetupTimeout = TimeSpan.FromSeconds(10);
    // While the brokers are unreachable: how often, and how long, a metadata request checks whether they are back.
    private static readonly TimeSpan OutageProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OutageProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly ResolvedKafkaConfig _config;
    private readonly ILogger _logger;
    private readonly RecordSinkPolicy _policy;
    private readonly Outage _outage;
    private readonly TimeProvider _time;

    /// <summary>Creates the source.</summary>
    /// <param name="config">Settings; unset values come from <c>KAFKA_*</c> environment variables.</param>
    /// <param name="loggerFactory">Logger factory. Default: none.</param>
    /// <param name="timeProvider">Clock of the retry backoff. Default: <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public KafkaRecordSource(KafkaConfig config, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config.Resolve();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KafkaRecordSource>();
        _time = timeProvider ?? TimeProvider.System;
        _policy = new RecordSinkPolicy(_time, maxMessageBytes: _config.MaxMessageBytes);
        _outage = new Outage(_time);
    }

    /// <inheritdoc />
    public string Name => "kafka";

    /// <summary>The topic consumed.</summary>
    public string Topic => _config.Topic;

    /// <summary>Where invalid messages go: <c>&lt;topic&gt;.dlq</c>.</summary>
    public string DeadLetterTopic => _config.DeadLetterTopic;

    /// <inheritdoc />
    public async Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (stoppingToken.IsCancellationRequested) return;
        await EnsureTopicsAsync().ConfigureAwait(false);

        using var deadLetters = KafkaClients.Producer<byte[]?>(_config.ProducerConfig("scouter-dead-letter"), _logger, connectionFailuresAtDebug: true);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Consume blocks, so the loop owns a thread instead of holding a pool thread for the server's lifetime.
        var thread = new Thread(() =>
        {
            try
            {
                new ConsumeLoop(this, sink, deadLetters, stoppingToken).Run();
                finished.TrySetResult();
            }
            catch (Exception ex)
            {
                finished.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "Scouter Kafka consumer",
        };
        thread.Start();
        await finished.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the topic and its dead-letter topic when missing. A cluster may forbid it (or, like
    /// librdkafka's mock cluster, not support it): that is logged and consuming goes on.
    /// </summary>
    private async Task EnsureTopicsAsync()
    {
        using var admin = KafkaClients.Admin(_config.AdminConfig(), _logger, connectionFailuresAtDebug: true);
        string[] topics = [_config.Topic, _config.DeadLetterTopic];
        List<string> missing = [];
        try
        {
            foreach (var topic in topics)
            {
                var metadata = admin.GetMetadata(topic, TopicSetupTimeout).Topics.FirstOrDefault(t => t.Topic == topic);
                if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart) missing.Add(topic);
                else if (metadata.Error.IsError) Log.TopicNotCreated(_logger, topic, $"{metadata.Error.Code} {metadata.Error.Reason}");
            }
            if (missing.Count == 0) return;

            await admin.CreateTopicsAsync(
                missing.Select(t => new TopicSpecification { Name = t, NumPartitions = _config.TopicPartitions, ReplicationFactor = _config.TopicReplicationFactor }),
                new CreateTopicsOptions { RequestTimeout = TopicSetupTimeout, OperationTimeout = TopicSetupTimeout }).ConfigureAwait(false);
            foreach (var topic in missing) Log.TopicCreated(_logger, topic, _config.TopicPartitions);
        }
        catch (CreateTopicsException ex)
        {
            foreach (var result in ex.Results)
            {
                if (result.Error.Code == ErrorCode.NoError) Log.TopicCreated(_logger, result.Topic, _config.TopicPartitions);
                else if (result.Error.Code != ErrorCode.TopicAlreadyExists) Log.TopicNotCreated(_logger, result.Topic, $"{result.Error.Code} {result.Error.Reason}");
            }
        }
        catch (KafkaException ex)
        {
            foreach (var topic in missing.Count > 0 ? missing : [.. topics]) Log.TopicNotCreated(_logger, topic, $"{ex.Error.Code} {ex.Error.Reason}");
        }
    }

    /// <summary>The consumer thread's state: the consumer, and messages fetched while a batch was being stored.</summary>
    private sealed class ConsumeLoop
    {
        private readonly KafkaRecordSource _source;
        private readonly IRecordBatchSink _sink;
        private readonly IProducer<byte[]?, byte[]> _deadLetters;
        private readonly CancellationToken _stop;
        private readonly List<ConsumeResult<byte[]?, byte[]>> _carried = [];
        private bool _assignmentChanged;
        private bool _paused;
        private DateTimeOffset _nextProbe;

        public ConsumeLoop(KafkaRecordSource source, IRecordBatchSink sink, IProducer<byte[]?, byte[]> deadLetters, CancellationToken stop)
        {
            _source = source;
            _sink = sink;
            _deadLetters = deadLetters;
            _stop = stop;
        }

        private ResolvedKafkaConfig Config => _source._config;

        private ILogger Logger => _source._logger;

        public void Run()
        {
            using var consumer = KafkaClients.Consumer<byte[]?>(Config.ConsumerConfig(), Logger, _ => _assignmentChanged = true, OnError);
            using var probe = new DependentAdminClientBuilder(consumer.Handle).Build();
            consumer.Subscribe(Config.Topic);
            Log.ConsumerStarted(Logger, Config.Topic, Config.GroupId);
            while (!_stop.IsCancellationRequested)
            {
                var batch = NextBatch(consumer);
                if (batch.Count > 0) BrokersReachable();
                else ProbeDuringOutage(probe);
                if (batch.Count == 0) continue;
                var stored = Store(consumer, batch);
                Commit(consumer, batch, stored);
            }
            // Leaving the group hands the partitions to the other replicas now, not after the session timeout.
            consumer.Close();
            Log.ConsumerStopped(Logger, Config.Topic, Config.GroupId);
        }

        /// <summary>
        /// librdkafka's error events, raised on this thread inside <c>Consume</c>. It reconnects by itself; an outage
        /// (every broker down, or the cluster refusing the credentials) is logged once when it starts and once when it
        /// ends, each further failure at Debug only.
        /// </summary>
        private void OnError(Error error)
        {
            if (error.Code is not (ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed
                or ErrorCode.Local_Ssl))
            {
                return;
            }
            if (_source._outage.Failed(out var since, out var failures))
            {
                Log.BrokersUnavailable(Logger, Config.Brokers, since, $"{error.Code} {error.Reason}");
                _nextProbe = _source._time.GetUtcNow() + OutageProbeInterval;
            }
            else
            {
                Log.BrokersStillUnavailable(Logger, Config.Brokers, failures, $"{error.Code} {error.Reason}");
            }
        }

        /// <summary>librdkafka reports brokers going down but not coming back: while an outage lasts, a metadata request every second tells.</summary>
        private void ProbeDuringOutage(IAdminClient probe)
        {
            if (_source._outage.Since is null || _source._time.GetUtcNow() < _nextProbe) return;
            _nextProbe = _source._time.GetUtcNow() + OutageProbeInterval;
            try
            {
                if (probe.GetMetadata(Config.Topic, OutageProbeTimeout).Brokers.Count > 0) BrokersReachable();
            }
            catch (KafkaException)
            {
                // Still down: the error events say why.
            }
        }

        private void BrokersReachable()
        {
            if (_source._outage.Succeeded(out var duration, out var failures)) Log.BrokersBack(Logger, Config.Brokers, duration, failures);
        }

        /// <summary>The messages carried over plus what is already fetched, up to the batch size; waits briefly for the first.</summary>
        private List<ConsumeResult<byte[]?, byte[]>> NextBatch(IConsumer<byte[]?, byte[]> consumer)
        {
            List<ConsumeResult<byte[]?, byte[]>> batch = [.. _carried];
            _carried.Clear();
            if (batch.Count == 0)
            {
                var first = ConsumeOne(consumer, FirstMessageWait);
                if (first is null) return batch;
                batch.Add(first);
            }
            while (batch.Count < Config.ConsumeBatchSize && ConsumeOne(consumer, TimeSpan.Zero) is { } next) batch.Add(next);
            return batch;
        }

        private ConsumeResult<byte[]?, byte[]>? ConsumeOne(IConsumer<byte[]?, byte[]> consumer, TimeSpan timeout)
        {
            try
            {
                return consumer.Consume(timeout);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                // E.g. the topic does not exist yet: librdkafka keeps the subscription and retries.
                Log.ConsumeFailed(Logger, Config.Topic, ex.Error.Code, ex.Error.Reason);
                _stop.WaitHandle.WaitOne(ConsumeErrorPause);
                return null;
            }
            finally
            {
                if (_assignmentChanged) ApplyPauseToNewAssignment(consumer);
            }
        }

        /// <summary>
        /// librdkafka keeps a partition's pause flag across a rebalance: a partition paused during a slow
        /// store, revoked and assigned again would otherwise never deliver again. So every new
        /// assignment is set explicitly: paused while a store is in progress, resumed otherwise.
        /// </summary>
        private void ApplyPauseToNewAssignment(IConsumer<byte[]?, byte[]> consumer)
        {
            _assignmentChanged = false;
            var assignment = consumer.Assignment;
            if (assignment.Count == 0) return;
            if (_paused) consumer.Pause(assignment);
            else consumer.Resume(assignment);
        }

        /// <summary>
        /// Hands every message to the sink at once (the server's writer groups concurrent batches into
        /// one transaction) and waits for all. While the sink is slow, the partitions are paused and the
        /// consumer still polled, so the group does not evict this member.
        /// </summary>
        /// <returns>Per message: stored, duplicate or dead-lettered (false only when stopping first).</returns>
        private bool[] Store(IConsumer<byte[]?, byte[]> consumer, List<ConsumeResult<byte[]?, byte[]>> batch)
        {
            var all = Task.WhenAll(batch.Select(HandleAsync));
            while (!all.Wait(BusyPollInterval))
            {
                if (!_paused)
                {
                    consumer.Pause(consumer.Assignment);
                    _paused = true;
                }
                // Polling keeps the membership alive; a message fetched before the pause took effect is kept for the next batch.
                if (ConsumeOne(consumer, TimeSpan.Zero) is { } extra) _carried.Add(extra);
            }
            if (_paused)
            {
                _paused = false;
                // The whole current assignment, not the partitions paused earlier: a rebalance meanwhile may have changed it.
                consumer.Resume(consumer.Assignment);
            }
            return all.GetAwaiter().GetResult();
        }

        private async Task<bool> HandleAsync(ConsumeResult<byte[]?, byte[]> message)
        {
            // Not the stop token for the sink: the batch in hand is finished on shutdown (the writers outlive the consumers).
            var decision = await _source._policy.IngestAsync(_sink, message.Message.Value, retry =>
            {
                if (retry.Exception is { } ex) Log.SinkFailed(Logger, ex, message.Topic, message.Partition.Value, message.Offset.Value, retry.Delay);
                else Log.RetryLater(Logger, message.Topic, message.Partition.Value, message.Offset.Value, retry.Error, retry.Delay);
            }, _stop).ConfigureAwait(false);
            return decision.Action switch
            {
                RecordAction.Acknowledge => true,
                RecordAction.DeadLetterMessage or RecordAction.DeadLetterRejected => await DeadLetterAsync(message, decision).ConfigureAwait(false),
                _ => false,
            };
        }

        /// <summary>
        /// Writes the dead letter to the dead-letter topic: the message's key and headers, as value the message itself
        /// or (for a partly stored batch) the batch of its refused records, plus the reason and the origin. Retried
        /// until written or stopping; the offset is committed only after it was written.
        /// </summary>
        private async Task<bool> DeadLetterAsync(ConsumeResult<byte[]?, byte[]> message, RecordDecision decision)
        {
            var reason = decision.Reason ?? "invalid_record_batch";
            var headers = new Headers();
            foreach (var header in message.Message.Headers ?? []) headers.Add(header.Key, header.GetValueBytes());
            headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(reason));
            headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(message.Topic));
            headers.Add(SourcePartitionHeader, Encoding.UTF8.GetBytes(message.Partition.Value.ToString(CultureInfo.InvariantCulture)));
            headers.Add(SourceOffsetHeader, Encoding.UTF8.GetBytes(message.Offset.Value.ToString(CultureInfo.InvariantCulture)));
            var copy = new Message<byte[]?, byte[]>
            {
                Key = message.Message.Key,
                Headers = headers,
                Value = decision.Action == RecordAction.DeadLetterMessage ? message.Message.Value : decision.DeadLetterBody.ToArray(),
            };

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _deadLetters.ProduceAsync(Config.DeadLetterTopic, copy, CancellationToken.None).ConfigureAwait(false);
                    if (decision.Action == RecordAction.DeadLetterRejected)
                        Log.RejectedDeadLettered(Logger, message.Topic, message.Partition.Value, message.Offset.Value, decision.Result.Rejected.Count,
                            Config.DeadLetterTopic, reason);
                    else
                        Log.DeadLettered(Logger, message.Topic, message.Partition.Value, message.Offset.Value, Config.DeadLetterTopic, reason);
                    return true;
                }
                catch (KafkaException ex) when (ex.Error.Code is ErrorCode.MsgSizeTooLarge && decision.Action == RecordAction.DeadLetterMessage
                    && copy.Value.Length > 0)
                {
                    // Permanent (e.g. an oversize message): the copy goes without the body, which stays readable at the source
                    // offset until the topic's retention removes it; retrying as it is would stall the partition. The refused
                    // records' batch is the server's own, no larger than the message: its failures are retried like any other.
                    reason = string.Create(CultureInfo.InvariantCulture,
                        $"{reason}; the body ({copy.Value.Length} bytes) is not copied: too large for the dead-letter topic");
                    headers.Remove(ErrorHeader);
                    headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(reason));
                    copy.Value = [];
                }
                catch (KafkaException ex)
                {
                    var delay = _source._policy.Backoff.Delay(attempt);
                    Log.DeadLetterFailed(Logger, message.Topic, message.Partition.Value, message.Offset.Value, Config.DeadLetterTopic,
                        $"{ex.Error.Code} {ex.Error.Reason}", delay);
                    if (!await _source._policy.WaitAsync(delay, _stop).ConfigureAwait(false)) return false;
                }
            }
        }

        /// <summary>Commits, per partition, the offset after the last message of an unbroken run of handled ones.</summary>
        private void Commit(IConsumer<byte[]?, byte[]> consumer, List<ConsumeResult<byte[]?, byte[]>> batch, bool[] handled)
        {
            List<TopicPartitionOffset> offsets = [];
            foreach (var partition in batch.Select((message, i) => (message, handled: handled[i])).GroupBy(x => x.message.TopicPartition))
            {
                long? next = null;
                foreach (var (message, done) in partition.OrderBy(x => x.message.Offset.Value))
                {
                    if (!done) break;
                    next = message.Offset.Value + 1;
                }
                if (next is { } offset) offsets.Add(new TopicPartitionOffset(partition.Key, new Offset(offset)));
            }
            if (offsets.Count == 0) return;
            try
            {
                consumer.Commit(offsets);
            }
            catch (KafkaException ex) when (!ex.Error.IsFatal)
            {
                // E.g. the partitions were reassigned meanwhile: their new owner consumes them again.
                Log.CommitFailed(Logger, Config.Topic, ex.Error.Code, ex.Error.Reason);
            }
        }
    }
}
