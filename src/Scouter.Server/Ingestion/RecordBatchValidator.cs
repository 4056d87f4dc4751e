using System.Globalization;
using Scouter.Records;
using Scouter.Server.Storage;

namespace Scouter.Server.Ingestion;

/// <summary>Why a whole record batch was refused: a stable code, the offending field (e.g. <c>records</c>, <c>records[3].uid</c>) and a message.</summary>
/// <param name="Code">Stable error code.</param>
/// <param name="Field">JSON path of the offending value, without the leading <c>$.</c>.</param>
/// <param name="Detail">Human-readable explanation.</param>
/// <param name="Status">HTTP status the API answers with (400, or 403 for a missing role).</param>
internal sealed record IngestError(string Code, string Field, string Detail, int Status = 400);

/// <summary>A record batch after validation: the rows of its valid records and the records refused.</summary>
/// <param name="Rows">The valid records as table rows, with <see cref="IngestBatch.Rejected"/> filled in.</param>
internal sealed record ValidatedBatch(IngestBatch Rows)
{
    /// <summary>The records refused, in batch order.</summary>
    public IReadOnlyList<RejectedRecord> Rejected => Rows.Rejected;

    /// <summary>True when no record of the batch can be stored.</summary>
    public bool NoneValid => Rows.Stored == 0;
}

/// <summary>
/// Validates a wire <see cref="RecordBatch"/> and turns its valid records into table rows. The batch
/// as a whole must have a shape (<see cref="ValidateShape"/>); each record is then checked on its own
/// and refused alone: Core's <see cref="RecordRules"/> of its profile (type, names, bins, numbers and
/// their bounds, LLM payload), then the server's own rules — a known uid, <c>created_at</c> within
/// <c>[now - retention, now + 1 day]</c>, and an LLM <c>record_id</c> not already in the batch.
/// </summary>
internal static class RecordBatchValidator
{
    /// <summary>How far in the future a record time may be (clock skew allowance).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    /// <summary>Checks what does not need the profiles: batch id, record count, null records.</summary>
    public static IngestError? ValidateShape(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.BatchId == Guid.Empty) return new("invalid_record_batch", "batch_id", "batch_id must be a non-empty uuid.");
        if (batch.Records is null || batch.Records.Count == 0) return new("invalid_record_batch", "records", "A batch needs at least one record.");
        if (batch.Records.Count > RecordLimits.MaxRecordsPerBatch)
        {
            return new("too_many_records", "records", string.Create(CultureInfo.InvariantCulture,
                $"A batch holds at most {RecordLimits.MaxRecordsPerBatch} records; this one has {batch.Records.Count}."));
        }
        for (var i = 0; i < batch.Records.Count; i++)
        {
            if (batch.Records[i] is null) return new("invalid_record", RecordRules.Path(i), "A record must be an object, not null.");
        }
        return null;
    }

    /// <summary>
    /// Validates every record of a well-shaped <paramref name="batch"/> against
    /// <paramref name="profiles"/> (a uid missing there is <c>unknown_profile</c>) and builds the rows
    /// of the valid ones. <paramref name="now"/> and <paramref name="retentionDays"/> bound the accepted
    /// record times to <c>[now - retention, now + 1 day]</c>.
    /// </summary>
    public static ValidatedBatch Validate(RecordBatch batch, IReadOnlyDictionary<Guid, CachedProfile> profiles, DateTimeOffset now, int retentionDays)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(profiles);
        if (ValidateShape(batch) is { } shape) throw new ArgumentException($"The batch has no valid shape: {shape.Code} ({shape.Field}).", nameof(batch));
        var rows = new IngestBatch { BatchId = batch.BatchId, ReceivedAt = now, Records = batch.Records.Count };
        var earliest = now - TimeSpan.FromDays(retentionDays);
        var latest = now + FutureTolerance;
        var llmIds = new HashSet<Guid>();
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            var problem = Check(record, profiles, earliest, latest, retentionDays, llmIds, out var llmPayload);
            if (problem is not null)
            {
                rows.Rejected.Add(RejectedRecord.Of(i, problem));
                continue;
            }
            switch (record)
            {
                case PsiRecord psi:
                    foreach (var (bin, count) in psi.BinCounts)
                    {
                        if (count > 0) rows.Psi.Add(new PsiCountRow(psi.Uid, psi.Feature, bin, psi.CreatedAt, count));
                    }
                    break;
                case SpcRecord spc:
                    rows.Spc.Add(new SpcSampleRow(spc.Uid, spc.Feature, spc.CreatedAt, spc.Mean, spc.Count));
                    break;
                case CustomRecord custom:
                    rows.Custom.Add(new CustomValueRow(custom.Uid, custom.Metric, custom.CreatedAt, custom.Sum, custom.Count));
                    break;
                case LlmDriftRecord llm:
                    rows.Llm.Add(new LlmRecordRow(llm.RecordId, llm.Uid, llm.CreatedAt, llmPayload!));
                    break;
            }
        }
        return new ValidatedBatch(rows);
    }

    private static RecordProblem? Check(DriftRecord record, IReadOnlyDictionary<Guid, CachedProfile> profiles, DateTimeOffset earliest, DateTimeOffset latest,
        int retentionDays, HashSet<Guid> llmIds, out string? llmPayload)
    {
        llmPayload = null;
        if (!profiles.TryGetValue(record.Uid, out var profile)) return new("unknown_profile", "uid", $"No profile with uid {record.Uid}.");
        if (profile.Rules.Check(record, out llmPayload) is { } problem) return problem;
        if (record.CreatedAt < earliest || record.CreatedAt > latest)
        {
            return new("created_at_out_of_range", "created_at", string.Create(CultureInfo.InvariantCulture,
                $"created_at {record.CreatedAt:O} is outside the accepted range [{earliest:O}, {latest:O}] (retention {retentionDays} days, at most 1 day ahead)."));
        }
        if (record is LlmDriftRecord llm && !llmIds.Add(llm.RecordId))
            return new("duplicate_record_id", "record_id", $"record_id {llm.RecordId} appears earlier in the batch.");
        return null;
    }
}
