using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Scouter.Ingestion;

namespace Scouter.RabbitMQ;

/// <summary>
/// The server's RabbitMQ consumer. Up to <see cref="RabbitMQConfig.ConsumerConcurrency"/> messages of the
/// <see cref="RabbitMQConfig.Prefetch"/> window are stored at once; a message is acknowledged only after the
/// sink stored it (or found it a duplicate). A message the sink refuses is published to <c>&lt;queue&gt;.dlq</c>
/// with the reason in the <c>x-scouter-error</c> header, then acknowledged. A message the sink cannot take now
/// is retried in place with backoff. A lost connection is re-established with backoff; messages whose
/// acknowledgement was lost with it are redelivered and deduplicated by the server.
/// </summary>
public sealed class RabbitMQRecordSource : IRecordSource
{
    private static readonly TimeSpan InitialReconnectDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan InitialRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ResolvedRabbitMQConfig _config;
    private readonly ConnectionFactory _factory;
    private readonly ILogger _logger;

    /// <summary>Creates the source; it connects when <see cref="RunAsync"/> starts.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public RabbitMQRecordSource(RabbitMQConfig config, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config.Resolve();
        _factory = RabbitMQTopology.CreateConnectionFactory(_config, _config.ConsumerConcurrency);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RabbitMQRecordSource>();
    }

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public async Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var delay = InitialReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(sink, () => delay = InitialReconnectDelay, stoppingToken);
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
                Log.ConnectionFailed(_logger, ex, _config.DisplayAddress, delay);
            }
            if (stoppingToken.IsCancellationRequested) break;
            try
            {
                await Task.Delay(delay, _config.Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _config.MaxReconnectDelay.Ticks));
        }
        Log.Stopped(_logger, _config.Queue);
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
            var retryDelay = InitialRetryDelay;
            while (true)
            {
                RecordSinkResult result;
                try
                {
                    result = await _sink.IngestAsync(delivery.Body, _abandon.Token);
                }
                catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
                {
                    await RequeueAsync(delivery, messageId);
                    return;
                }
                catch (Exception ex)
                {
                    Log.SinkFailed(Logger, ex, messageId, retryDelay);
                    result = new RecordSinkResult(RecordSinkStatus.RetryLater, 0, ex.Message);
                }

                switch (result.Status)
                {
                    case RecordSinkStatus.Stored or RecordSinkStatus.Duplicate:
                        await SettleAsync(messageId, c => c.BasicAckAsync(delivery.DeliveryTag, multiple: false));
                        return;
                    case RecordSinkStatus.Invalid:
                        await DeadLetterAsync(delivery, messageId, result.Error ?? "invalid record batch");
                        return;
                }

                if (_retryStop.IsCancellationRequested)
                {
                    await RequeueAsync(delivery, messageId);
                    return;
                }
                Log.RetryLater(Logger, messageId, result.Error ?? "retry later", retryDelay);
                try
                {
                    await Task.Delay(retryDelay, Config.Time, _retryStop.Token);
                }
                catch (OperationCanceledException)
                {
                    await RequeueAsync(delivery, messageId);
                    return;
                }
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }

        private Task RequeueAsync(BasicDeliverEventArgs delivery, string messageId) =>
            SettleAsync(messageId, c => c.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true));

        /// <summary>
        /// Publishes the message to the dead-letter queue with the reason, and acks it once confirmed. When that
        /// publish fails, rejects it instead: the queue's dead-letter exchange moves it (the reason stays in the log).
        /// </summary>
        private async Task DeadLetterAsync(BasicDeliverEventArgs delivery, string messageId, string reason)
        {
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
            try
            {
                using var timeout = new CancellationTokenSource(Config.SendTimeout, Config.Time);
                await _deadLetterChannel.BasicPublishAsync(string.Empty, Config.DeadLetterQueue, mandatory: true, properties, delivery.Body,
                    timeout.Token);
            }
            catch (Exception ex)
            {
                Log.DeadLetterPublishFailed(Logger, ex, messageId, Config.DeadLetterQueue, reason);
                await SettleAsync(messageId, c => c.BasicRejectAsync(delivery.DeliveryTag, requeue: false));
                return;
            }
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
