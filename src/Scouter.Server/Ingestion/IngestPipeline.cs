using Scouter.Records;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Ingestion;

/// <summary>How a submitted batch ended.</summary>
internal enum IngestStatus
{
    /// <summary>Its valid records are stored (durable); the invalid ones, if any, are listed in <see cref="IngestResult.Rejected"/>.</summary>
    Stored,

    /// <summary>Stored before under the same batch id; nothing written, the first submission's answer is repeated.</summary>
    Duplicate,

    /// <summary>
    /// Refused as a whole, nothing written (see <see cref="IngestResult.Error"/>): a malformed batch,
    /// a profile the caller may not write, or no valid record at all (then <see cref="IngestResult.Rejected"/>
    /// lists every record and the error is the first one's).
    /// </summary>
    Rejected,

    /// <summary>The queue was full (or the server is stopping); nothing written, retry later.</summary>
    Overloaded,

    /// <summary>The store failed (e.g. the database is down); the transaction rolled back, nothing written, retry later.</summary>
    Failed,
}

/// <summary>Result of <see cref="IngestPipeline.SubmitAsync"/>.</summary>
/// <param name="Status">Outcome.</param>
/// <param name="BatchId">The batch id.</param>
/// <param name="Records">Records in the batch.</param>
/// <param name="Error">Why it was rejected as a whole.</param>
internal sealed record IngestResult(IngestStatus Status, Guid BatchId, int Records, IngestError? Error = null)
{
    /// <summary>Records stored (for a duplicate: stored by the first submission).</summary>
    public int Stored { get; init; }

    /// <summary>The records refused, in batch order (for a duplicate: those the first submission refused).</summary>
    public IReadOnlyList<RejectedRecord> Rejected { get; init; } = [];

    /// <summary>The answer as the wire receipt (for <see cref="IngestStatus.Stored"/> and <see cref="IngestStatus.Duplicate"/>).</summary>
    public IngestReceipt ToReceipt() => new(BatchId, Records, Stored, Status == IngestStatus.Duplicate, Rejected);
}

/// <summary>
/// The one ingestion path for HTTP and broker consumers: validate against the profiles, queue the
/// valid records, and wait until a writer has committed them. Invalid records are refused one by
/// one; the batch id is stored with the refusals so that a retry gets the same answer.
/// </summary>
internal sealed class IngestPipeline
{
    private readonly ProfileCache _profiles;
    private readonly IngestQueue _queue;
    private readonly IRecordStore _store;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;

    /// <summary>Creates the pipeline.</summary>
    public IngestPipeline(ProfileCache profiles, IngestQueue queue, IRecordStore store, ServerOptions options, TimeProvider time, ServerMetrics metrics)
    {
        _profiles = profiles;
        _queue = queue;
        _store = store;
        _options = options;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>
    /// Validates <paramref name="batch"/> and stores its valid records. <paramref name="authorize"/>
    /// (HTTP callers) is asked once per distinct known profile with the index of the first record
    /// naming it, and may refuse the whole batch. Completes after the records are durable; cancelling
    /// stops the wait, not the write.
    /// </summary>
    public async Task<IngestResult> SubmitAsync(RecordBatch batch, Func<CachedProfile, int, IngestError?>? authorize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (RecordBatchValidator.ValidateShape(batch) is { } shape) return Reject(batch, shape);
        var profiles = new Dictionary<Guid, CachedProfile>();
        var unknown = new HashSet<Guid>();
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var uid = batch.Records[i].Uid;
            if (profiles.ContainsKey(uid) || unknown.Contains(uid)) continue;
            var profile = await _profiles.GetAsync(uid, cancellationToken);
            if (profile is null)
            {
                unknown.Add(uid);
                continue;
            }
            if (authorize?.Invoke(profile, i) is { } denied) return Reject(batch, denied);
            profiles[uid] = profile;
        }
        var validated = RecordBatchValidator.Validate(batch, profiles, _time.GetUtcNow(), _options.RetentionDays);
        if (validated.NoneValid)
        {
            // Stored before (a retry after, e.g., its profile was deleted)? Then the first answer stands.
            if (await _store.FindBatchAsync(batch.BatchId, cancellationToken) is { } earlier)
            {
                _metrics.DuplicateBatches.Add(1);
                return Duplicate(batch, earlier);
            }
            var first = validated.Rejected[0];
            CountRejected(validated.Rejected);
            return Reject(batch, new IngestError(first.Code, first.Field, first.Detail)) with { Rejected = validated.Rejected };
        }
        if (!_queue.TryEnqueue(validated.Rows, out var stored))
        {
            _metrics.BatchesRejected.Add(1);
            return new IngestResult(IngestStatus.Overloaded, batch.BatchId, batch.Records.Count);
        }
        IngestOutcome outcome;
        try
        {
            outcome = await stored.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged by the writer; the caller gets a retryable answer instead of an exception.
            return new IngestResult(IngestStatus.Failed, batch.BatchId, batch.Records.Count);
        }
        if (outcome == IngestOutcome.Duplicate)
        {
            // Pruned between the insert and this read: the best answer left is this submission's own.
            var earlier = await _store.FindBatchAsync(batch.BatchId, CancellationToken.None) ?? new IngestedBatch(validated.Rows.Records, validated.Rejected);
            return Duplicate(batch, earlier);
        }
        CountRejected(validated.Rejected);
        return new IngestResult(IngestStatus.Stored, batch.BatchId, batch.Records.Count) { Stored = validated.Rows.Stored, Rejected = validated.Rejected };
    }

    private static IngestResult Duplicate(RecordBatch batch, IngestedBatch earlier) =>
        new(IngestStatus.Duplicate, batch.BatchId, batch.Records.Count) { Stored = earlier.Stored, Rejected = earlier.Rejected };

    private void CountRejected(IReadOnlyList<RejectedRecord> rejected)
    {
        foreach (var record in rejected) _metrics.RecordsRejected.Add(1, new KeyValuePair<string, object?>("code", record.Code));
    }

    private IngestResult Reject(RecordBatch batch, IngestError error)
    {
        _metrics.BatchesRejected.Add(1);
        return new IngestResult(IngestStatus.Rejected, batch.BatchId, batch.Records?.Count ?? 0, error);
    }
}
