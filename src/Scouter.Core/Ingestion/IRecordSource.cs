namespace Scouter.Ingestion;

/// <summary>
/// A broker consumer run by the server (Kafka consumer group, RabbitMQ queue, Redis stream group).
/// It hands every message body to an <see cref="IRecordBatchSink"/> and acknowledges the message
/// only after the sink has answered <see cref="RecordSinkStatus.Stored"/>,
/// <see cref="RecordSinkStatus.Duplicate"/> or (after dead-lettering it)
/// <see cref="RecordSinkStatus.Invalid"/>.
/// </summary>
public interface IRecordSource
{
    /// <summary>A short name for logs (<c>kafka</c>, <c>rabbitmq</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Consumes until <paramref name="stoppingToken"/> is cancelled, then stops fetching, finishes and
    /// acknowledges the batches already handed to the sink, and returns. Broker outages are retried
    /// inside; the method throws only for a configuration that can never work.
    /// </summary>
    Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken);
}

/// <summary>The server's ingestion pipeline as a broker consumer sees it.</summary>
public interface IRecordBatchSink
{
    /// <summary>
    /// Decodes, validates, deduplicates (by <c>batch_id</c>) and stores one message body: the
    /// record-batch JSON of the wire format. Completes once the batch is durable or refused; the
    /// token only stops the wait for a write already queued, never the write itself.
    /// </summary>
    Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}

/// <summary>What the sink did with a message.</summary>
public enum RecordSinkStatus
{
    /// <summary>
    /// Stored: acknowledge the message. Records the server refused (see
    /// <see cref="RecordSinkResult.Rejected"/>) are not stored; when there are any, publish
    /// <see cref="RecordSinkResult.DeadLetter"/> to the dead-letter destination before acknowledging.
    /// </summary>
    Stored,

    /// <summary>
    /// Stored before under the same batch id (a redelivery): acknowledge the message. When the first
    /// delivery had rejected records, <see cref="RecordSinkResult.DeadLetter"/> holds them again (the
    /// first dead letter may not have been written): publish it first, as for <see cref="Stored"/>.
    /// </summary>
    Duplicate,

    /// <summary>Can never be stored (bad JSON, not a batch, every record invalid): dead-letter the message as it is, then acknowledge.</summary>
    Invalid,

    /// <summary>The server cannot store it now (queue full, database down, stopping): keep it and try again later.</summary>
    RetryLater,
}

/// <summary>The sink's answer for one message.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Records">Records in the batch (0 when it could not be decoded).</param>
/// <param name="Error">Why it is invalid or must wait: a problem code, the offending field and a message.</param>
public readonly record struct RecordSinkResult(RecordSinkStatus Status, int Records = 0, string? Error = null)
{
    /// <summary>Records of a <see cref="RecordSinkStatus.Stored"/> batch that were refused, each with its reason (empty when all were stored).</summary>
    public IReadOnlyList<Records.RejectedRecord> Rejected { get; init; } = [];

    /// <summary>
    /// For a stored batch with rejected records: the body to dead-letter — a record batch holding only
    /// the rejected records (same <c>batch_id</c>), with a <c>rejected</c> array giving each one's index in
    /// the original batch, code, field and detail. Empty otherwise.
    /// </summary>
    public ReadOnlyMemory<byte> DeadLetter { get; init; }

    /// <summary>True when the message may be acknowledged without dead-lettering the whole of it.</summary>
    public bool IsStored => Status is RecordSinkStatus.Stored or RecordSinkStatus.Duplicate;
}
