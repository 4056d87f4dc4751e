using System.Runtime.CompilerServices;
using Scouter.Records;

namespace Scouter.Server.Storage;

/// <summary>PSI bin count of one feature in one record.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="Feature">Feature name.</param>
/// <param name="BinId">Bin id (0 missing, -1 unseen, 1..B).</param>
/// <param name="CreatedAt">Record time.</param>
/// <param name="Count">Count (&gt;= 0).</param>
internal readonly record struct PsiCountRow(Guid Uid, string Feature, int BinId, DateTimeOffset CreatedAt, long Count);

/// <summary>One SPC sample mean.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="Feature">Feature name.</param>
/// <param name="CreatedAt">Record time.</param>
/// <param name="Mean">Sample mean.</param>
/// <param name="Count">Values in the sample.</param>
internal readonly record struct SpcSampleRow(Guid Uid, string Feature, DateTimeOffset CreatedAt, double Mean, long Count);

/// <summary>Sum and count of one custom metric.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="CreatedAt">Record time.</param>
/// <param name="Sum">Sum of values.</param>
/// <param name="Count">Number of values.</param>
internal readonly record struct CustomValueRow(Guid Uid, string Metric, DateTimeOffset CreatedAt, double Sum, long Count);

/// <summary>One LLM record waiting for the judge (stored <c>pending</c>).</summary>
/// <param name="Id">Record id (the wire <c>record_id</c>).</param>
/// <param name="Uid">Profile uid.</param>
/// <param name="CreatedAt">Record time.</param>
/// <param name="Payload">JSON <c>{"input", "response", "prompt", "context"}</c>.</param>
internal sealed record LlmRecordRow(Guid Id, Guid Uid, DateTimeOffset CreatedAt, string Payload);

/// <summary>
/// The valid records of a record batch as table rows, and the records refused; the rows and the
/// batch id (with the refusals) are stored all-or-nothing.
/// </summary>
internal sealed class IngestBatch
{
    /// <summary>Idempotency key.</summary>
    public required Guid BatchId { get; init; }

    /// <summary>When the server accepted the batch (pruned from the idempotency table after the retention period).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Records in the wire batch.</summary>
    public required int Records { get; init; }

    /// <summary>The records of the wire batch that were refused, in batch order; stored with the batch id so a retry gets the same answer.</summary>
    public List<RejectedRecord> Rejected { get; } = [];

    /// <summary>Records of the wire batch that are stored (all but the rejected ones).</summary>
    public int Stored => Records - Rejected.Count;

    /// <summary>PSI rows (one per record and bin).</summary>
    public List<PsiCountRow> Psi { get; } = [];

    /// <summary>SPC rows.</summary>
    public List<SpcSampleRow> Spc { get; } = [];

    /// <summary>Custom metric rows.</summary>
    public List<CustomValueRow> Custom { get; } = [];

    /// <summary>Rows this batch writes (all tables).</summary>
    public int RowCount => Psi.Count + Spc.Count + Custom.Count + Llm.Count;

    /// <summary>LLM records.</summary>
    public List<LlmRecordRow> Llm { get; } = [];

    /// <summary>
    /// Roughly the memory the rows take (row structs plus LLM payload text), which the ingestion queue
    /// bounds (<see cref="ServerOptions.IngestQueueMaxBytes"/>). Names are shared with the wire batch and not counted.
    /// </summary>
    public long EstimatedBytes =>
        ((long)Psi.Count * Unsafe.SizeOf<PsiCountRow>()) + ((long)Spc.Count * Unsafe.SizeOf<SpcSampleRow>())
        + ((long)Custom.Count * Unsafe.SizeOf<CustomValueRow>()) + Llm.Sum(r => LlmRowOverhead + (2L * r.Payload.Length));

    // An LlmRecordRow object (header, two guids, a time, a reference) and its payload string's header.
    private const int LlmRowOverhead = 96;

    /// <summary>Every record timestamp of the batch.</summary>
    public IEnumerable<DateTimeOffset> Times =>
        Psi.Select(r => r.CreatedAt).Concat(Spc.Select(r => r.CreatedAt)).Concat(Custom.Select(r => r.CreatedAt)).Concat(Llm.Select(r => r.CreatedAt));
}

/// <summary>A batch id stored before, with what its first submission stored and refused.</summary>
/// <param name="Records">Records in the wire batch.</param>
/// <param name="Rejected">The records refused then, in batch order.</param>
internal sealed record IngestedBatch(int Records, IReadOnlyList<RejectedRecord> Rejected)
{
    /// <summary>Records stored then.</summary>
    public int Stored => Records - Rejected.Count;
}

/// <summary>What <see cref="IRecordStore.IngestAsync"/> did.</summary>
internal enum IngestOutcome
{
    /// <summary>The batch was stored.</summary>
    Stored,

    /// <summary>The batch id was stored before; nothing was written.</summary>
    Duplicate,
}

/// <summary>
/// A query window <c>(From, To]</c> split into <see cref="Buckets"/> equal buckets; bucket i covers
/// <c>(From + i·w, From + (i+1)·w]</c> with w = ceil((To - From) / Buckets) in microseconds.
/// </summary>
internal readonly record struct TimeWindow
{
    /// <summary>Creates a window; <paramref name="from"/> must be before <paramref name="to"/>.</summary>
    public TimeWindow(DateTimeOffset from, DateTimeOffset to, int buckets = 1)
    {
        From = DbTime.Normalize(from);
        To = DbTime.Normalize(to);
        if (To <= From) throw new ArgumentException("The window must end after it starts.", nameof(to));
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        Buckets = buckets;
        var span = DbTime.ToMicros(To) - DbTime.ToMicros(From);
        BucketMicros = (span + buckets - 1) / buckets;
    }

    /// <summary>Exclusive start.</summary>
    public DateTimeOffset From { get; }

    /// <summary>Inclusive end.</summary>
    public DateTimeOffset To { get; }

    /// <summary>Number of buckets.</summary>
    public int Buckets { get; }

    /// <summary>Bucket width in microseconds.</summary>
    public long BucketMicros { get; }

    /// <summary>Start (exclusive) of bucket <paramref name="index"/>.</summary>
    public DateTimeOffset BucketStart(int index) => DbTime.FromMicros(DbTime.ToMicros(From) + (index * BucketMicros));

    /// <summary>The bucket a record time inside the window falls in.</summary>
    public int BucketOf(DateTimeOffset createdAt) => (int)((DbTime.ToMicros(createdAt) - DbTime.ToMicros(From) - 1) / BucketMicros);
}

/// <summary>Summed PSI count of one bin of one feature in one bucket.</summary>
/// <param name="Bucket">Bucket index.</param>
/// <param name="Feature">Feature.</param>
/// <param name="BinId">Bin id.</param>
/// <param name="Count">Summed count, summed in double precision so that no stored data can overflow it (exact up to 2^53).</param>
internal sealed record PsiBucketCount(int Bucket, string Feature, int BinId, double Count);

/// <summary>Sum and count of one metric in one bucket (custom values, or LLM scores with count = scored records).</summary>
/// <param name="Bucket">Bucket index.</param>
/// <param name="Metric">Metric.</param>
/// <param name="Sum">Sum of values; ±infinity (or NaN) when the stored values do not add up to a finite double.</param>
/// <param name="Count">Count of values, summed in double precision (exact up to 2^53).</param>
internal sealed record MetricBucket(int Bucket, string Metric, double Sum, double Count);

/// <summary>What a retention pass removed.</summary>
/// <param name="DroppedPartitions">PostgreSQL partitions dropped.</param>
/// <param name="DeletedRows">Rows deleted (record tables and batch ids).</param>
/// <param name="DeletedRollupRows">Hourly roll-up rows deleted (older than the roll-up retention).</param>
internal sealed record RetentionResult(int DroppedPartitions, long DeletedRows, long DeletedRollupRows = 0)
{
    /// <summary>True when raw rows were kept this pass because the roll-ups had not yet counted every committed row.</summary>
    public bool RawPurgeDeferred { get; init; }
}

/// <summary>Record storage: idempotent all-or-nothing batch ingestion, window queries, retention.</summary>
internal interface IRecordStore
{
    /// <summary>
    /// Stores <paramref name="batch"/>'s rows and its batch id (with its rejected records) in one transaction. A batch id stored before
    /// (also by a concurrent call) returns <see cref="IngestOutcome.Duplicate"/> and writes nothing.
    /// </summary>
    Task<IngestOutcome> IngestAsync(IngestBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Group commit: stores every batch of <paramref name="batches"/> whose id is new, in ONE
    /// transaction (all of them or none), and returns each batch's outcome in order. A batch id that
    /// repeats within the group or was stored before is a <see cref="IngestOutcome.Duplicate"/>.
    /// </summary>
    Task<IReadOnlyList<IngestOutcome>> IngestManyAsync(IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken = default);

    /// <summary>The batch id's first submission (records and rejected records), or null when the id was never stored (or was pruned).</summary>
    Task<IngestedBatch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken = default);

    /// <summary>PSI counts summed per bucket, feature and bin.</summary>
    Task<IReadOnlyList<PsiBucketCount>> PsiCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>PSI counts per feature, then per window bucket (null: no rows), bin id → summed count (what drift queries chart).</summary>
    Task<Dictionary<string, Dictionary<int, double>?[]>> PsiFeatureCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>SPC samples in <c>(from, to]</c>, oldest first; at most <paramref name="limit"/> (the newest ones); only <paramref name="feature"/>'s unless null.</summary>
    Task<IReadOnlyList<SpcSampleRow>> SpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, int limit, string? feature, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every SPC sample of the profile in <c>(from, to]</c>, streamed oldest first (one pass in time order, nothing
    /// buffered); samples with a non-finite mean (only rows written outside ingestion can hold one) are skipped.
    /// </summary>
    IAsyncEnumerable<SpcSampleRow> StreamSpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// LLM records of the profile still <c>pending</c> whose record time is at or before <paramref name="createdBefore"/>,
    /// counted from the records themselves (a pending record removed by retention does not count).
    /// </summary>
    Task<long> LlmPendingCountAsync(Guid uid, DateTimeOffset createdBefore, CancellationToken cancellationToken = default);

    /// <summary>SPC sample statistics (samples, sum, min, max of the sample means) per bucket and feature.</summary>
    Task<IReadOnlyList<SpcBucketStats>> SpcStatsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>Custom metric sums and counts per bucket and metric.</summary>
    Task<IReadOnlyList<MetricBucket>> CustomValuesAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>LLM score sums and counts per bucket and metric (by the scored record's time).</summary>
    Task<IReadOnlyList<MetricBucket>> LlmScoresAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>LLM records in the window counted by status, by record time or by evaluation time (statuses with no record are left out).</summary>
    Task<IReadOnlyDictionary<string, long>> LlmStatusCountsAsync(Guid uid, TimeWindow window, LlmStatusAxis axis = LlmStatusAxis.Created, CancellationToken cancellationToken = default);

    /// <summary>Removes records and batch ids older than <paramref name="cutoff"/> (PostgreSQL: drops whole daily partitions first).</summary>
    Task<RetentionResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Removes the hourly roll-ups of the hours that end before <paramref name="cutoff"/>; returns the rows deleted.</summary>
    Task<long> PurgeRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
