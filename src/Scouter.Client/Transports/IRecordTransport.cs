using Scouter.Records;

namespace Scouter.Client.Transports;

/// <summary>
/// Sends one record batch. The only thing a transport does: the queue owns batching, retries,
/// buffering and statistics. Throw <see cref="TransportException"/> for a failed send.
/// <see cref="SendAsync"/> is called concurrently, up to <see cref="ScouterQueueOptions.MaxConcurrentSends"/> at once.
/// </summary>
public interface IRecordTransport : IAsyncDisposable
{
    /// <summary>A short name for logs and metrics (<c>http</c>, <c>kafka</c>, ...).</summary>
    string Name { get; }

    /// <summary>
    /// Sends <paramref name="batch"/>; completes when the receiver has durably accepted it, with the
    /// records it refused (empty when it stored them all; a broker transport cannot know and returns
    /// empty — the queue checks every record with <see cref="RecordRules"/> before sending).
    /// </summary>
    Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken);
}

/// <summary>A failed send: whether retrying can help, and how long the receiver asked to wait.</summary>
public sealed class TransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransportException(string message, bool retryable, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Retryable = retryable;
        RetryAfter = retryAfter;
    }

    /// <summary>False when the batch can never be accepted (e.g. refused as invalid): it is not retried, and its records are counted as rejected.</summary>
    public bool Retryable { get; }

    /// <summary>The receiver's requested delay (HTTP <c>Retry-After</c>), if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// The receiver's stable error code when it gave one (e.g. <c>unknown_profile</c>,
    /// <c>payload_too_large</c>); the queue counts the records of a batch refused with a
    /// non-retryable failure under this code in <see cref="ScouterQueueStatistics.RejectedRecords"/>
    /// (<c>rejected</c> when null).
    /// </summary>
    public string? Code { get; init; }
}
