using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Serialization;

namespace Scouter.Kafka;

/// <summary>
/// Publishes record batches to Kafka: one message per batch, keyed by the profile uid (so a profile's
/// batches keep their order in one partition), the record-batch JSON as value, a <c>batch_id</c>
/// header, lz4 by default, idempotent producer with <c>acks=all</c>. A send completes when the
/// brokers acknowledged the message. Broker, network and timeout failures are retryable; a message
/// too large, an authorization or authentication failure, or an invalid setting is not.
/// </summary>
public sealed class KafkaTransport : IRecordTransport
{
    /// <summary>Name of the header that carries the batch id (UTF-8 text).</summary>
    public const string BatchIdHeader = "batch_id";

    private readonly ResolvedKafkaConfig _config;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
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
            Value = JsonSerializer.SerializeToUtf8Bytes(batch, ScouterJsonContext.Default.RecordBatch),
            Headers = new Headers { { BatchIdHeader, Encoding.UTF8.GetBytes(batch.BatchId.ToString("D")) } },
        };

        var producer = CurrentProducer();
        try
        {
            await producer.ProduceAsync(_config.Topic, message, cancellationToken).ConfigureAwait(false);
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
            $"Kafka send of batch {batch.BatchId} to topic '{_config.Topic}' failed{size}: {error.Code} {error.Reason}",
            retryable, null, ex);
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
        KafkaClients.Producer<string?>(_config.ProducerConfig("scouter-producer"), _logger);
}
