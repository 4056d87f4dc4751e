using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Scouter.Ingestion;
using Scouter.Resilience;

namespace Scouter.RabbitMQ;

/// <summary>
/// The server's RabbitMQ consumer. Up to <see cref="RabbitMQConfig.ConsumerConcurrency"/> messages of the
/// <see cref="RabbitMQConfig.Prefetch"/> window are stored at once; a message is acknowledged only after the
/// sink stored it (or found it a duplicate), following <see cref="RecordSinkPolicy"/>. A message the sink refuses,
/// or the refused records of a batch it stored, are published to <c>&lt;queue&gt;.dlq</c> with the reason in the
/// <c>x-scouter-error</c> header, and the message is acknowledged once the broker confirmed that publish. A
/// message the sink cannot take now is retried in place with backoff. A lost connection is re-established with
/// backoff (one log line when the outage starts, one when it ends); messages whose acknowledgement was lost with
/// it are redelivered and deduplicated by the server.
/// </summary>
public sealed class RabbitMQRecordSource : IRecordSource
{
    private static readonly TimeSpan InitialReconnectDelay = TimeSpan.FromMilliseconds(250);

    private readonly ResolvedRabbitMQConfig _config;
    private readonly ConnectionFactory _factory;
    private readonly ILogger _logger;
    private readonly RecordSinkPolicy _policy;
    private readonly Backoff _reconnect;
    private readonly Outage _outage;

    /// <summary>Creates the source; it connects when <see cref="RunAsync"/> starts.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public RabbitMQRecordSource(RabbitMQConfig config, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config.Resolve();
        _factory = RabbitMQTopology.CreateConnectionFactory(_config, _config.ConsumerConcurrency);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RabbitMQRecordSource>();
        _policy = new RecordSinkPolicy(_config.Time, maxMessageBytes: config.MaxMessageBytes);
        _reconnect = new Backoff(InitialReconnectDelay, _config.MaxReconnectDelay < InitialReconnectDelay ? InitialReconnectDelay : _config.MaxReconnectDelay);
        _outage = new Outage(_config.Time);
    }

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public async Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(sink, () =>
                {
                    attempt = 0;
                    if (_outage.Succeeded(out var duration, out var failures)) Log.Reconnected(_logger, _config.DisplayAddress, duration, failures);
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (InvalidOperationException)
            {
                // The queue exists with other arguments: waiting here cannot fix it, the host logs and restarts us.
                throw;
            }
            catch (Exception ex)
            {
                var delay = _reconnect.Delay(++attempt);
                if (_outage.Failed(out var since, out var failures)) Log.Unavailable(_logger, _config.DisplayAddress, since, Describe(ex));
                else Log.StillUnavailable(_logger, ex, _config.DisplayAddress, failures, delay);
                if (!await _policy.WaitAsync(delay, stoppingToken)) break;
            }
        }
        Log.Stopped(_logger, _config.Queue);
    }

    /// <summary>The messages of an exception and its causes, without repeats: what went wrong, for one log line.</summary>
    internal static string Describe(Exception exception)
    {
        List<string> parts = [];
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (!parts.Any(p => p.Contains(ex.Message, StringComparison.Ordinal))) parts.Add(ex.Message);
        }
        return string.Join(": ", parts);
    }

    /// <summary>One connection's life: consume until the token is cancelled (drain, close, return) or the connection is lost (throw).</summary>
    private async Task ConsumeAsync(IRecordBatchSink sink, Action connected, CancellationToken stoppingToken)
    {
        await using var connection = await _factory.CreateConnectionAsync("scouter-server", stoppingToken);
        var lost = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            lost.TrySetResult(e);
            return Task.CompletedTask;
        };

        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        channel.ChannelShutdownAsync += (_, e) =>
        {
            lost.TrySetResult(e);
            return Task.CompletedTask;
        };
        await using var deadLetterChannel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        // A dead-letter channel the broker closed (e.g. a message over its size limit) cannot publish any more: start over.
        deadLetterChannel.ChannelShutdownAsync += (_, e) =>
        {
            if (e.Initiator != ShutdownInitiator.Application) lost.TrySetResult(e);
            return Task.CompletedTask;
        };
        await RabbitMQTopology.DeclareAsync(channel, _config.Queue, stoppingToken);
        await channel.BasicQosAsync(0, _config.Prefetch, global: false, stoppingToken);

        using var session = new ConsumerSession(this, sink, channel, deadLetterChannel, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += session.HandleAsync;
        var consumerTag = await channel.BasicConsumeAsync(_config.Queue, autoAck: false, consumer, stoppingToken);
        connected();
        Log.Consuming(_logger, _config.Queue, _config.DisplayAddress, _config.Prefetch, _config.ConsumerConcurrency);

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (stoppingToken.Register(() => stopping.TrySetResult()))
        {
            await Task.WhenAny(lost.Task, stopping.Task);
        }

        if (lost.Task.IsCompleted)
        {
            var reason = await lost.Task;
            Log.ConnectionLost(_logger, _config.DisplayAddress, $"{reason.ReplyCode} {reason.ReplyText}");
            // Acknowledgements are impossible now: stop retry loops; the broker redelivers everything unacked.
            await session.AbandonAsync(_config.ShutdownTimeout);
            throw new AlreadyClosedException(reason);
        }

        // Graceful stop: no new deliveries, let the ones being stored finish and be acked, then close.
        try
        {
            using var cancelTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _config.Time);
            await channel.BasicCancelAsync(consumerTag, noWait: false, cancelTimeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AlreadyClosedException or OperationInterruptedException)
        {
            // The channel closes below either way, which also ends the subscription.
        }
        var unfinished = await session.DrainAsync(_config.ShutdownTimeout);
        if (unfinished > 0) Log.ShutdownTimedOut(_logger, unfinished, _config.ShutdownTimeout);
        await CloseQuietlyAsync(deadLetterChannel, channel, connection);
    }

    private static async Task CloseQuietlyAsync(IChannel deadLetterChannel, IChannel channel, IConnection connection)
    {
        try
        {
            await deadLetterChannel.CloseAsync();
            await channel.CloseAsync();
            await connection.CloseAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException
            or OperationCanceledException)
        {
            // Closed by the broker meanwhile: unacked messages are requeued either way.
        }
    }

    /// <summary>
    /// The deliveries of one channel: tracks the messages being stored so that stopping can wait for them,
    /// and settles each one (ack, dead-letter, or requeue on stop).
    /// </summary>
    private sealed class ConsumerSession : IDisposable
    {
        private readonly RabbitMQRecordSource _source;
        private readonly IRecordBatchSink _sink;
        private readonly IChannel _channel;
        private readonly IChannel _deadLetterChannel;
        // Cancelled when the channel is lost, or when stopping has waited long enough: ends waits, never a write already queued.
        private readonly CancellationTokenSource _abandon = new();
        private readonly CancellationTokenSource _retryStop;
        private readonly Lock _lock = new();
        private TaskCompletionSource? _idle;
        private int _inFlight;
        private bool _closed;

        public ConsumerSession(RabbitMQRecordSource source, IRecordBatchSink sink, IChannel channel, IChannel deadLetterChannel,
            CancellationToken stoppingToken)
        {
            _source = source;
            _sink = sink;
            _channel = channel;
            _deadLetterChannel = deadLetterChannel;
            _retryStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _abandon.Token);
        }

        private ILogger Logger => _source._logger;

        private ResolvedRabbitMQConfig Config => _source._config;

        private RecordSinkPolicy Policy => _source._policy;

        public async Task HandleAsync(object sender, BasicDeliverEventArgs delivery)
        {
            var messageId = delivery.BasicProperties.MessageId ?? $"(delivery {delivery.DeliveryTag})";
            if (!TryEnter())
            {
                // Arrived after stopping began: hand it back at once for another consumer.
                await SettleAsync(messageId, c => c.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true));
                return;
            }
            try
            {
                await ProcessAsync(delivery, messageId);
            }
            finally
            {
                Exit();
            }
        }

        private async Task ProcessAsync(BasicDeliverEventArgs delivery, string messageId)
        {
            var decision = await Policy.IngestAsync(_sink, delivery.Body, retry =>
            {
                if (retry.Exception is { } ex) Log.SinkFailed(Logger, ex, messageId, retry.Delay);
                else Log.RetryLater(Logger, messageId, retry.Error ?? "retry later", retry.Delay);
            }, _retryStop.Token, _abandon.Token);
            switch (decision.Action)
            {
                case RecordAction.Acknowledge:
                    await SettleAsync(messageId, c => c.BasicAckAsync(delivery.DeliveryTag, multiple: false));
                    break;
                case RecordAction.DeadLetterMessage or RecordAction.DeadLetterRejected:
                    await DeadLetterAsync(delivery, messageId, decision);
                    break;
                default:
                    await RequeueAsync(delivery, messageId);
                    break;
            }
        }

        private Task RequeueAsync(BasicDeliverEventArgs delivery, string messageId) =>
            SettleAsync(messageId, c => c.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true));

        /// <summary>
        /// Publishes the dead letter (the message itself, or the batch of its refused records) to the dead-letter queue
        /// with the reason, and acks the message once the broker confirmed it. A failed publish is retried with backoff;
        /// when stopping or the channel is lost first, the message is requeued instead, never acked.
        /// </summary>
        private async Task DeadLetterAsync(BasicDeliverEventArgs delivery, string messageId, RecordDecision decision)
        {
            var reason = decision.Reason ?? "invalid_record_batch";
            var original = delivery.BasicProperties;
            var headers = original.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(original.Headers);
            headers[RabbitMQTopology.ErrorHeader] = reason;
            headers[RabbitMQTopology.SourceQueueHeader] = Config.Queue;
            var properties = new BasicProperties
            {
                MessageId = original.MessageId,
                ContentType = original.ContentType,
                DeliveryMode = DeliveryModes.Persistent,
                Headers = headers,
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(Config.SendTimeout, Config.Time);
                    using var publish = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _abandon.Token);
                    await _deadLetterChannel.BasicPublishAsync(string.Empty, Config.DeadLetterQueue, mandatory: true, properties,
                        decision.DeadLetterBody, publish.Token);
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    var delay = Policy.Backoff.Delay(attempt);
                    Log.DeadLetterPublishFailed(Logger, ex, messageId, Config.DeadLetterQueue, reason, delay);
                    if (!await Policy.WaitAsync(delay, _retryStop.Token))
                    {
                        await RequeueAsync(delivery, messageId);
                        return;
                    }
                }
            }
            if (decision.Action == RecordAction.DeadLetterRejected)
                Log.RejectedDeadLettered(Logger, messageId, decision.Result.Rejected.Count, Config.DeadLetterQueue, reason);
            else
                Log.DeadLettered(Logger, messageId, Config.DeadLetterQueue, reason);
            await SettleAsync(messageId, c => c.BasicAckAsync(delivery.DeliveryTag, multiple: false));
        }

        /// <summary>Acks, nacks or rejects; when the channel died meanwhile the broker redelivers, so a failure is only logged.</summary>
        private async Task SettleAsync(string messageId, Func<IChannel, ValueTask> settle)
        {
            try
            {
                await settle(_channel);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException
                or OperationCanceledException)
            {
                Log.SettleFailed(Logger, ex, messageId);
            }
        }

        private bool TryEnter()
        {
            lock (_lock)
            {
                if (_closed) return false;
                _inFlight++;
                return true;
            }
        }

        private void Exit()
        {
            TaskCompletionSource? idle = null;
            lock (_lock)
            {
                if (--_inFlight == 0 && _closed) idle = _idle;
            }
            idle?.TrySetResult();
        }

        /// <summary>Refuses new deliveries and waits up to <paramref name="timeout"/> for the current ones; returns how many are left.</summary>
        public async Task<int> DrainAsync(TimeSpan timeout)
        {
            Task idle;
            lock (_lock)
            {
                _closed = true;
                if (_inFlight == 0) return 0;
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                idle = _idle.Task;
            }
            try
            {
                await idle.WaitAsync(timeout, Config.Time);
                return 0;
            }
            catch (TimeoutException)
            {
                await _abandon.CancelAsync();
                lock (_lock) return _inFlight;
            }
        }

        /// <summary>The channel is gone: stop the retry waits and let the handlers run out (their settlements fail harmlessly).</summary>
        public async Task AbandonAsync(TimeSpan timeout)
        {
            await _abandon.CancelAsync();
            await DrainAsync(timeout);
        }

        public void Dispose()
        {
            // A handler still running after a timed-out drain may yet read the tokens; it ends soon, and undisposed sources hold no timer.
            lock (_lock)
            {
                if (_inFlight > 0) return;
            }
            _retryStop.Dispose();
            _abandon.Dispose();
        }
    }
}
