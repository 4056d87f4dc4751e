using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Scouter.Client;

/// <summary>Batches and items dropped for one reason.</summary>
/// <param name="Batches">Dropped batches (0 for reasons that drop single inserts).</param>
/// <param name="Items">Dropped records (for batch reasons) or inserts (for <c>closed</c>, <c>channel_full</c> and <c>profile_pending</c>).</param>
public readonly record struct DroppedCount(long Batches, long Items);

/// <summary>
/// A snapshot of a <see cref="ScouterQueue"/>'s counters. Every record the aggregators cut ends in
/// exactly one of <see cref="RecordsSent"/>, <see cref="RejectedRecords"/> and the record drops
/// (<c>buffer_full</c>, <c>shutdown_timeout</c>), or is still <see cref="Buffered"/>. Drop reasons:
/// <c>closed</c>, <c>channel_full</c>, <c>buffer_full</c>, <c>shutdown_timeout</c>, <c>profile_pending</c>. Error kinds:
/// <c>wrong_kind</c>, <c>unknown_metric</c>, <c>non_finite_metric</c>, <c>null_value</c>,
/// <c>not_convertible</c>, <c>not_numeric</c>, <c>unknown_feature</c>, <c>no_known_features</c>,
/// <c>no_known_metrics</c>, <c>value_out_of_range</c> (docs/client.md explains each).
/// </summary>
public sealed record ScouterQueueStatistics
{
    /// <summary>Inserts accepted into the queue.</summary>
    public long Inserted { get; init; }

    /// <summary>Inserts the background worker has processed (LLM records sampled out and inserts with data errors included).</summary>
    public long Aggregated { get; init; }

    /// <summary>Batches the transport accepted.</summary>
    public long BatchesSent { get; init; }

    /// <summary>Records the receiver stored: the records of accepted batches minus those it refused (see <see cref="RejectedRecords"/>).</summary>
    public long RecordsSent { get; init; }

    /// <summary>Failed sends that were scheduled for a retry.</summary>
    public long Retries { get; init; }

    /// <summary>Batches waiting for delivery (the one being sent included).</summary>
    public long Buffered { get; init; }

    /// <summary>Drops by reason; every reason is present, zero when nothing was dropped for it.</summary>
    public required IReadOnlyDictionary<string, DroppedCount> Dropped { get; init; }

    /// <summary>Data errors by kind; every kind is present.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>
    /// Records refused, by code (e.g. <c>unknown_profile</c>, <c>unknown_bin</c>,
    /// <c>value_out_of_range</c>): found invalid by the queue's own check before sending, listed as
    /// refused in the receiver's answer, or in a batch the receiver refused as a whole (by the
    /// failure's code, <c>rejected</c> when it has none). Records, not batches; only codes that occurred are present.
    /// </summary>
    public IReadOnlyDictionary<string, long> RejectedRecords { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// One line for logs: inserted, aggregated, batches and records sent, retries, buffered, then the
    /// non-zero drops, errors and rejected records by reason, e.g.
    /// <c>inserted 3000, aggregated 3000, batches sent 3, records sent 6, retries 0, buffered 0; errors: not_numeric 300</c>.
    /// </summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture,
            $"inserted {Inserted}, aggregated {Aggregated}, batches sent {BatchesSent}, records sent {RecordsSent}, retries {Retries}, buffered {Buffered}");
        var dropped = Dropped.Where(d => d.Value.Batches != 0 || d.Value.Items != 0).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        if (dropped.Count > 0)
        {
            line.Append("; dropped: ").AppendJoin(", ", dropped.Select(d => d.Value.Batches == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value.Items} inserts")
                : string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value.Batches} batches ({d.Value.Items} records)")));
        }
        AppendNonZero(line, "errors", Errors);
        AppendNonZero(line, "rejected records", RejectedRecords);
        return line.ToString();
    }

    private static void AppendNonZero(StringBuilder line, string title, IReadOnlyDictionary<string, long> counts)
    {
        var nonZero = counts.Where(c => c.Value != 0).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (nonZero.Count == 0) return;
        line.Append("; ").Append(title).Append(": ").AppendJoin(", ", nonZero.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value}")));
    }
}

internal enum DropReason
{
    Closed,
    ChannelFull,
    BufferFull,
    ShutdownTimeout,
    ProfilePending,
}

internal enum InsertError
{
    WrongKind,
    UnknownMetric,
    NonFiniteMetric,
    NullValue,
    NotConvertible,
    NotNumeric,
    UnknownFeature,
    NoKnownFeatures,
    NoKnownMetrics,
    ValueOutOfRange,
}

/// <summary>The counters behind <see cref="ScouterQueueStatistics"/>, mirrored to the <c>Scouter.Client</c> meter.</summary>
internal sealed class QueueStats
{
    internal static readonly string[] ReasonNames = ["closed", "channel_full", "buffer_full", "shutdown_timeout", "profile_pending"];
    internal static readonly string[] ErrorNames = [
        "wrong_kind", "unknown_metric", "non_finite_metric", "null_value", "not_convertible",
        "not_numeric", "unknown_feature", "no_known_features", "no_known_metrics", "value_out_of_range",
    ];

    private static readonly Meter s_meter = new("Scouter.Client", "0.1.0");
    private static readonly Counter<long> s_inserted = s_meter.CreateCounter<long>("scouter.queue.inserted", "{insert}", "Inserts accepted by a queue.");
    private static readonly Counter<long> s_aggregated = s_meter.CreateCounter<long>("scouter.queue.aggregated", "{insert}", "Inserts aggregated by the worker.");
    private static readonly Counter<long> s_batchesSent = s_meter.CreateCounter<long>("scouter.queue.batches_sent", "{batch}", "Batches the transport accepted.");
    private static readonly Counter<long> s_recordsSent = s_meter.CreateCounter<long>("scouter.queue.records_sent", "{record}", "Records the transport accepted.");
    private static readonly Counter<long> s_retries = s_meter.CreateCounter<long>("scouter.queue.retries", "{attempt}", "Failed sends scheduled for a retry.");
    private static readonly Counter<long> s_droppedBatches = s_meter.CreateCounter<long>("scouter.queue.dropped_batches", "{batch}", "Batches dropped, by reason.");
    private static readonly Counter<long> s_droppedItems = s_meter.CreateCounter<long>("scouter.queue.dropped_items", "{item}", "Records or inserts dropped, by reason.");
    private static readonly Counter<long> s_errors = s_meter.CreateCounter<long>("scouter.queue.errors", "{error}", "Data errors, by kind.");
    private static readonly Counter<long> s_rejectedRecords = s_meter.CreateCounter<long>("scouter.queue.rejected_records", "{record}", "Records refused (by the queue's check or the receiver), by code.");
    private static readonly UpDownCounter<long> s_buffered = s_meter.CreateUpDownCounter<long>("scouter.queue.buffered", "{batch}", "Batches waiting for delivery.");

    private readonly long[] _droppedBatches = new long[ReasonNames.Length];
    private readonly long[] _droppedItems = new long[ReasonNames.Length];
    private readonly long[] _errors = new long[ErrorNames.Length];
    private readonly ConcurrentDictionary<string, StrongBox<long>> _rejected = new(StringComparer.Ordinal);
    private long _inserted;
    private long _aggregated;
    private long _batchesSent;
    private long _recordsSent;
    private long _retries;
    private long _buffered;

    public void AddInserted()
    {
        Interlocked.Increment(ref _inserted);
        s_inserted.Add(1);
    }

    public void AddAggregated()
    {
        Interlocked.Increment(ref _aggregated);
        s_aggregated.Add(1);
    }

    public void AddSent(long records)
    {
        Interlocked.Increment(ref _batchesSent);
        Interlocked.Add(ref _recordsSent, records);
        s_batchesSent.Add(1);
        s_recordsSent.Add(records);
    }

    public void AddRetry()
    {
        Interlocked.Increment(ref _retries);
        s_retries.Add(1);
    }

    public void AddBuffered(long delta)
    {
        Interlocked.Add(ref _buffered, delta);
        s_buffered.Add(delta);
    }

    public void AddDropped(DropReason reason, long batches, long items)
    {
        var tag = new KeyValuePair<string, object?>("reason", ReasonNames[(int)reason]);
        if (batches != 0)
        {
            Interlocked.Add(ref _droppedBatches[(int)reason], batches);
            s_droppedBatches.Add(batches, tag);
        }
        Interlocked.Add(ref _droppedItems[(int)reason], items);
        s_droppedItems.Add(items, tag);
    }

    public void AddError(InsertError kind)
    {
        Interlocked.Increment(ref _errors[(int)kind]);
        s_errors.Add(1, new KeyValuePair<string, object?>("kind", ErrorNames[(int)kind]));
    }

    public void AddRejected(string code, long records)
    {
        if (records == 0) return;
        var box = _rejected.GetOrAdd(code, static _ => new StrongBox<long>());
        Interlocked.Add(ref box.Value, records);
        s_rejectedRecords.Add(records, new KeyValuePair<string, object?>("code", code));
    }

    public ScouterQueueStatistics Snapshot()
    {
        var dropped = new Dictionary<string, DroppedCount>(ReasonNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < ReasonNames.Length; i++)
            dropped[ReasonNames[i]] = new DroppedCount(Volatile.Read(ref _droppedBatches[i]), Volatile.Read(ref _droppedItems[i]));
        var errors = new Dictionary<string, long>(ErrorNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < ErrorNames.Length; i++) errors[ErrorNames[i]] = Volatile.Read(ref _errors[i]);
        return new ScouterQueueStatistics
        {
            Inserted = Volatile.Read(ref _inserted),
            Aggregated = Volatile.Read(ref _aggregated),
            BatchesSent = Volatile.Read(ref _batchesSent),
            RecordsSent = Volatile.Read(ref _recordsSent),
            Retries = Volatile.Read(ref _retries),
            Buffered = Volatile.Read(ref _buffered),
            Dropped = dropped,
            Errors = errors,
            RejectedRecords = _rejected.ToDictionary(r => r.Key, r => Volatile.Read(ref r.Value.Value), StringComparer.Ordinal),
        };
    }
}
