using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Kafka;

/// <summary>
/// Publishes record batches to Kafka: one message per batch, keyed by the profile uid (so a profile's
/// batches keep their order in one partition), the record-batch JSON as value, a <c>batch_id</c>
/// header, lz4 by default, idempotent producer with <c>acks=all</c>. A send completes when the
/// brokers acknowledged the message. Broker, network and timeout failures are retryable; a message
/// too large, an authorization or authentication failure (a SASL refusal fails the send as soon as
/// librdkafka reports it, not at the send timeout), or an invalid setting is not.
/// </summary>
public sealed class KafkaTransport : IRecordTransport
{
    /// <summary>Name of the header that carries the batch id (UTF-8 text).</summary>
    public const string BatchIdHeader = "batch_id";

    private readonly ResolvedKafkaConfig _config;
    private readonly ILogger _logger;
    // Longer than librdkafka's largest reconnect backoff (reconnect.backoff.max.ms, 10 s by default).
    private static readonly TimeSpan RefusalValidity = TimeSpan.FromSeconds(15);

    private readonly Lock _lock = new();
    private TaskCompletionSource<Error> _refusal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Error? _lastRefusal;
    private long _lastRefusalAt;
    private IProducer<string?, byte[]> _producer;
    private bool _disposed;

    /// <summary>Creates the transport; the producer connects on the first send.</summary>
    /// <param name="config">Settings; unset values come from <c>KAFKA_*</c> environment variables.</param>
    /// <param name="loggerFactory">Receives librdkafka's log and error events. Default: none (discarded).</param>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public KafkaTransport(KafkaConfig? config = null, ILoggerFactory? loggerFactory = null)
    {
        _config = (config ?? new KafkaConfig()).Resolve();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KafkaTransport>();
        _producer = BuildProducer();
    }

    /// <inheritdoc />
    public string Name => "kafka";

    /// <summary>The topic batches are published to.</summary>
    public string Topic => _config.Topic;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var message = new Message<string?, byte[]>
        {
            // A queue batch holds one profile's records.
            Key = batch.Records.Count > 0 ? batch.Records[0].Uid.ToString("D") : null,
            Value = batch.ToUtf8Json(),
            Headers = new Headers { { BatchIdHeader, Encoding.UTF8.GetBytes(batch.BatchId.ToString("D")) } },
        };

        var producer = CurrentProducer();
        try
        {
            // librdkafka retries a refused authentication in the background and lets the message time out: a
            // refusal seen during the send (or just before) fails it at once, as not retryable.
            if (RecentRefusal() is { } refused) throw Refused(batch, refused);
            var refusal = NextRefusal();
            var produce = producer.ProduceAsync(_config.Topic, message, cancellationToken);
            if (await Task.WhenAny(produce, refusal).ConfigureAwait(false) == refusal)
            {
                _ = produce.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw Refused(batch, await refusal.ConfigureAwait(false));
            }
            await produce.ConfigureAwait(false);
            return [];
        }
        catch (ProduceException<string?, byte[]> ex)
        {
            throw Failure(batch, message.Value.Length, producer, ex.Error, ex);
        }
        catch (KafkaException ex)
        {
            throw Failure(batch, message.Value.Length, producer, ex.Error, ex);
        }
        catch (ObjectDisposedException ex) when (!cancellationToken.IsCancellationRequested && !Volatile.Read(ref _disposed))
        {
            // The producer was replaced after a fatal error while this send was starting.
            throw new TransportException($"Kafka send of batch {batch.BatchId} to topic '{_config.Topic}' failed: the producer was restarted", true, null, ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        IProducer<string?, byte[]> producer;
        lock (_lock)
        {
            if (_disposed) return ValueTask.CompletedTask;
            _disposed = true;
            producer = _producer;
        }
        // Every send was awaited, so nothing is waiting in the producer that anyone still expects.
        producer.Dispose();
        return ValueTask.CompletedTask;
    }

    private TransportException Failure(RecordBatch batch, int bytes, IProducer<string?, byte[]> producer, Error error, Exception ex)
    {
        if (error.IsFatal) ReplaceProducer(producer);
        var retryable = IsRetryable(error);
        var size = error.Code is ErrorCode.MsgSizeTooLarge
            ? string.Create(CultureInfo.InvariantCulture, $" ({bytes} bytes)")
            : string.Empty;
        return new TransportException(
            $"Kafka send of batch {batch.BatchId} to topic '{_config.Topic}' at {_config.Brokers} {(retryable ? "failed" : "refused, not retried")}{size}: {error.Code} {error.Reason}",
            retryable, null, ex);
    }

    private TransportException Refused(RecordBatch batch, Error error) =>
        new($"Kafka send of batch {batch.BatchId} to topic '{_config.Topic}' at {_config.Brokers} refused, not retried: {error.Code} {error.Reason}",
            retryable: false);

    /// <summary>Authentication refused by the brokers (wrong SASL credentials or mechanism): no retry of a send can change it.</summary>
    private static bool IsRefusal(Error error) => error.Code is ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed;

    /// <summary>An error event of the producer: a refusal fails the sends under way and those of the next moments.</summary>
    private void OnError(Error error)
    {
        if (!IsRefusal(error)) return;
        TaskCompletionSource<Error> pulse;
        lock (_lock)
        {
            _lastRefusal = error;
            _lastRefusalAt = Environment.TickCount64;
            pulse = _refusal;
            _refusal = new TaskCompletionSource<Error>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        pulse.TrySetResult(error);
    }

    /// <summary>
    /// The refusal reported within <see cref="RefusalValidity"/> (librdkafka retries the connection every few seconds
    /// and reports each refusal, so an older one no longer says anything about the brokers), or null.
    /// </summary>
    private Error? RecentRefusal()
    {
        lock (_lock)
        {
            return _lastRefusal is not null && Environment.TickCount64 - _lastRefusalAt < RefusalValidity.TotalMilliseconds ? _lastRefusal : null;
        }
    }

    private Task<Error> NextRefusal()
    {
        lock (_lock) return _refusal.Task;
    }

    /// <summary>
    /// Whether sending the same message again can succeed: everything but permanent rejections and
    /// misconfiguration. A missing topic is retryable: batches wait in the queue until it is created.
    /// </summary>
    internal static bool IsRetryable(Error error) => error.Code switch
    {
        ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidRecord
            or ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.TransactionalIdAuthorizationFailed
            or ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_Authentication
            or ErrorCode.InvalidConfig or ErrorCode.Local_InvalidArg
            or ErrorCode.TopicException or ErrorCode.UnsupportedCompressionType or ErrorCode.UnsupportedForMessageFormat => false,
        _ => true,
    };

    private IProducer<string?, byte[]> CurrentProducer()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _producer;
        }
    }

    /// <summary>A fatal error (e.g. the idempotent producer lost its sequence) leaves the producer unusable: start a new one.</summary>
    private void ReplaceProducer(IProducer<string?, byte[]> failed)
    {
        lock (_lock)
        {
            if (_disposed || !ReferenceEquals(_producer, failed)) return;
            _producer = BuildProducer();
        }
        Log.ProducerReplaced(_logger, _config.Topic);
        failed.Dispose();
    }

    private IProducer<string?, byte[]> BuildProducer() =>
        KafkaClients.Producer<string?>(_config.ProducerConfig("scouter-producer"), _logger, onError: OnError);
}
