using System.Globalization;
using System.Text;
using Scouter.Records;
using Scouter.Resilience;

namespace Scouter.Ingestion;

/// <summary>What a record source does with a message once the sink has answered.</summary>
public enum RecordAction
{
    /// <summary>Stored, or stored before (a redelivery): acknowledge the message.</summary>
    Acknowledge,

    /// <summary>
    /// Stored except for some refused records: publish <see cref="RecordDecision.DeadLetterBody"/> (a batch of only
    /// the refused records) to the dead-letter destination, then acknowledge. No acknowledgement before that
    /// publish succeeded.
    /// </summary>
    DeadLetterRejected,

    /// <summary>Can never be stored: publish the message as it is to the dead-letter destination, then acknowledge.</summary>
    DeadLetterMessage,

    /// <summary>Not stored (the source is stopping while the sink asked to wait): leave the message unacknowledged, to be delivered again.</summary>
    Keep,
}

/// <summary>The policy's verdict on one message.</summary>
/// <param name="Action">What to do.</param>
/// <param name="DeadLetterBody">The body to dead-letter (for the two dead-letter actions); empty otherwise.</param>
/// <param name="Reason">Why it is dead-lettered or kept: problem codes with their fields. Null when acknowledged plainly.</param>
/// <param name="Result">The sink's last answer.</param>
public readonly record struct RecordDecision(RecordAction Action, ReadOnlyMemory<byte> DeadLetterBody, string? Reason, RecordSinkResult Result);

/// <summary>One "retry later" of a message: the attempt that failed, the wait before the next one, and why.</summary>
/// <param name="Attempt">The attempt that did not store the message (1-based).</param>
/// <param name="Delay">The wait before the next attempt.</param>
/// <param name="Error">The sink's reason, or the exception's message.</param>
/// <param name="Exception">The sink's exception, when it threw instead of answering.</param>
public readonly record struct RecordRetry(int Attempt, TimeSpan Delay, string? Error, Exception? Exception);

/// <summary>
/// The one "store, else retry, else dead-letter" policy of the broker consumers. A message larger than
/// <see cref="MaxMessageBytes"/> is dead-lettered at once, never parsed (<see cref="CheckSize"/>). Any other is handed to the
/// sink until it answers anything but <see cref="RecordSinkStatus.RetryLater"/> (a sink that throws counts as
/// "retry later"), waiting <see cref="Backoff"/> between attempts through the <see cref="TimeProvider"/>; the
/// answer then maps to one <see cref="RecordAction"/>. The same backoff paces a source's retries of its own
/// broker operations (dead-letter publish, acknowledgement, reconnect).
/// </summary>
public sealed class RecordSinkPolicy
{
    /// <summary>The default cap of the first retry's delay: 100 ms.</summary>
    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The default largest delay: 5 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(5);

    private const int MaxListedRejections = 10;
    private readonly TimeProvider _time;

    /// <summary>Creates the policy.</summary>
    /// <param name="timeProvider">Clock of the waits. Default: <see cref="TimeProvider.System"/>.</param>
    /// <param name="backoff">Delays between attempts. Default: 100 ms doubling up to 5 s, full jitter.</param>
    /// <param name="maxMessageBytes">Largest message handed to the sink. Default: <see cref="RecordLimits.MaxMessageBytes"/> (16 MiB).</param>
    internal RecordSinkPolicy(TimeProvider? timeProvider = null, Backoff? backoff = null, long maxMessageBytes = RecordLimits.MaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        _time = timeProvider ?? TimeProvider.System;
        Backoff = backoff ?? new Backoff(DefaultInitialDelay, DefaultMaxDelay);
        MaxMessageBytes = maxMessageBytes;
    }

    /// <summary>The delays between attempts.</summary>
    internal Backoff Backoff { get; }

    /// <summary>Largest message handed to the sink; a larger one is dead-lettered unread.</summary>
    public long MaxMessageBytes { get; }

    /// <summary>
    /// The one message size check of ingestion: null when <paramref name="bytes"/> is within <paramref name="limit"/>,
    /// else the reason, <c>payload_too_large (field body): &lt;n&gt; bytes exceeds &lt;limit&gt;</c>.
    /// </summary>
    public static string? CheckSize(long bytes, long limit) =>
        bytes <= limit ? null : string.Create(CultureInfo.InvariantCulture, $"payload_too_large (field body): {bytes} bytes exceeds {limit}");

    /// <summary>Maps the sink's answer for <paramref name="message"/> to what the source does with the message.</summary>
    public static RecordDecision Decide(RecordSinkResult result, ReadOnlyMemory<byte> message) => result.Status switch
    {
        RecordSinkStatus.Stored or RecordSinkStatus.Duplicate when !result.DeadLetter.IsEmpty =>
            new(RecordAction.DeadLetterRejected, result.DeadLetter, DescribeRejected(result), result),
        RecordSinkStatus.Stored or RecordSinkStatus.Duplicate => new(RecordAction.Acknowledge, default, null, result),
        RecordSinkStatus.Invalid => new(RecordAction.DeadLetterMessage, message, result.Error ?? "invalid_record_batch", result),
        _ => new(RecordAction.Keep, default, result.Error ?? "retry_later", result),
    };

    /// <summary>
    /// Hands <paramref name="message"/> to <paramref name="sink"/> until it is stored, a duplicate or refused, and
    /// returns the decision; <see cref="RecordAction.Keep"/> only when <paramref name="stoppingToken"/> ended the
    /// waits or <paramref name="ingestToken"/> the sink's call.
    /// </summary>
    /// <param name="sink">The ingestion pipeline.</param>
    /// <param name="message">The message body.</param>
    /// <param name="onRetry">Called before each wait (for the source's log).</param>
    /// <param name="stoppingToken">Ends the waits between attempts (never an attempt under way).</param>
    /// <param name="ingestToken">Passed to the sink: ends its wait for a write already queued. Default: none, the attempt is finished.</param>
    public async Task<RecordDecision> IngestAsync(IRecordBatchSink sink, ReadOnlyMemory<byte> message, Action<RecordRetry>? onRetry,
        CancellationToken stoppingToken, CancellationToken ingestToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (CheckSize(message.Length, MaxMessageBytes) is { } tooLarge)
            return new(RecordAction.DeadLetterMessage, message, tooLarge, new RecordSinkResult(RecordSinkStatus.Invalid, 0, tooLarge));
        for (var attempt = 1; ; attempt++)
        {
            RecordSinkResult result;
            Exception? failure = null;
            try
            {
                result = await sink.IngestAsync(message, ingestToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ingestToken.IsCancellationRequested)
            {
                return new(RecordAction.Keep, default, "stopping", new RecordSinkResult(RecordSinkStatus.RetryLater, 0, "stopping"));
            }
            catch (Exception ex)
            {
                failure = ex;
                result = new RecordSinkResult(RecordSinkStatus.RetryLater, 0, ex.Message);
            }

            var decision = Decide(result, message);
            if (decision.Action != RecordAction.Keep) return decision;
            if (stoppingToken.IsCancellationRequested) return decision;
            var delay = Backoff.Delay(attempt);
            onRetry?.Invoke(new RecordRetry(attempt, delay, result.Error, failure));
            if (!await WaitAsync(delay, stoppingToken).ConfigureAwait(false)) return decision;
        }
    }

    /// <summary>Waits <paramref name="delay"/> on the policy's clock; false when <paramref name="cancellationToken"/> ended the wait.</summary>
    public async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The dead-letter reason of a partly stored batch: how many records were refused and, for the first ten,
    /// <c>code (field)</c>, e.g. <c>rejected_records: 2 of 5 records refused: invalid_value (records[1].value); ...</c>.
    /// </summary>
    public static string DescribeRejected(RecordSinkResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"rejected_records: {result.Rejected.Count} of {result.Records} records refused");
        for (var i = 0; i < result.Rejected.Count && i < MaxListedRejections; i++)
        {
            var rejected = result.Rejected[i];
            text.Append(i == 0 ? ": " : "; ").Append(rejected.Code).Append(" (").Append(rejected.Field).Append(')');
        }
        if (result.Rejected.Count > MaxListedRejections)
            text.Append(CultureInfo.InvariantCulture, $"; and {result.Rejected.Count - MaxListedRejections} more");
        return text.ToString();
    }
}
