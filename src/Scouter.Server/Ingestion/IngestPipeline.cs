using Scouter.Records;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Ingestion;

/// <summary>How a submitted batch ended.</summary>
public enum IngestStatus
{
    /// <summary>Stored (durable).</summary>
    Stored,

    /// <summary>Stored before under the same batch id; nothing written.</summary>
    Duplicate,

    /// <summary>Failed validation or authorization; nothing written (see <see cref="IngestResult.Error"/>).</summary>
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
/// <param name="Error">Why it was rejected.</param>
public sealed record IngestResult(IngestStatus Status, Guid BatchId, int Records, IngestError? Error = null);

/// <summary>
/// The one ingestion path for HTTP and broker consumers: validate against the profiles, queue, and
/// wait until a writer has committed the batch.
/// </summary>
public sealed class IngestPipeline
{
    private readonly ProfileCache _profiles;
    private readonly IngestQueue _queue;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;

    /// <summary>Creates the pipeline.</summary>
    public IngestPipeline(ProfileCache profiles, IngestQueue queue, ServerOptions options, TimeProvider time, ServerMetrics metrics)
    {
        _profiles = profiles;
        _queue = queue;
        _options = options;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>
    /// Validates and stores <paramref name="batch"/>. <paramref name="authorize"/> (HTTP callers) is
    /// asked once per distinct profile with the index of the first record naming it, and may refuse.
    /// Completes after the batch is durable; cancelling stops the wait, not the write.
    /// </summary>
    public async Task<IngestResult> SubmitAsync(RecordBatch batch, Func<CachedProfile, int, IngestError?>? authorize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (RecordBatchValidator.ValidateShape(batch) is { } shape) return Reject(batch, shape);
        var profiles = new Dictionary<Guid, CachedProfile>();
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var uid = batch.Records[i].Uid;
            if (profiles.ContainsKey(uid)) continue;
            var profile = await _profiles.GetAsync(uid, cancellationToken);
            if (profile is null)
                return Reject(batch, new IngestError("unknown_profile", RecordBatchValidator.Path(i, "uid"), $"No profile with uid {uid}."));
            if (authorize?.Invoke(profile, i) is { } denied) return Reject(batch, denied);
            profiles[uid] = profile;
        }
        var (rows, error) = RecordBatchValidator.Validate(batch, profiles, _time.GetUtcNow(), _options.RetentionDays);
        if (error is not null) return Reject(batch, error);
        if (!_queue.TryEnqueue(rows!, out var stored))
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
        return new IngestResult(outcome == IngestOutcome.Stored ? IngestStatus.Stored : IngestStatus.Duplicate, batch.BatchId, batch.Records.Count);
    }

    private IngestResult Reject(RecordBatch batch, IngestError error)
    {
        _metrics.BatchesRejected.Add(1);
        return new IngestResult(IngestStatus.Rejected, batch.BatchId, batch.Records?.Count ?? 0, error);
    }
}
