using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// Groups one cut's records, in order, into batches within the receiver's limits: at most
/// <c>maxRecords</c> records (<see cref="RecordLimits.MaxRecordsPerBatch"/>) and <c>maxBytes</c>
/// bytes of JSON (<see cref="RecordLimits.MaxBatchBytes"/>) by the <see cref="RecordSize"/> upper
/// bound. A record larger than the byte limit on its own (the record rules keep records far below
/// it) travels alone. Each batch gets its own UUIDv7 id and the cut's time.
/// </summary>
internal sealed class BatchSplitter(DateTimeOffset now, Action<RecordBatch> emit, int maxRecords = RecordLimits.MaxRecordsPerBatch, long maxBytes = RecordLimits.MaxBatchBytes)
{
    private List<DriftRecord> _records = [];
    private long _bytes = RecordSize.BatchEnvelope;

    /// <summary>Adds a record of at most <paramref name="bytes"/> bytes, sending the batch so far first when the record would not fit.</summary>
    public void Add(DriftRecord record, long bytes)
    {
        var withSeparator = bytes + 1; // the comma between records
        if (_records.Count > 0 && (_records.Count >= maxRecords || _bytes + withSeparator > maxBytes)) Complete();
        _records.Add(record);
        _bytes += withSeparator;
    }

    /// <summary>Sends the batch so far, if it has records.</summary>
    public void Complete()
    {
        if (_records.Count == 0) return;
        emit(new RecordBatch { BatchId = Guid.CreateVersion7(now), SentAt = now, Records = _records });
        _records = [];
        _bytes = RecordSize.BatchEnvelope;
    }
}
