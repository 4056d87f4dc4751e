using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Records;
using Scouter.Serialization;
using Scouter.Server.Storage;

namespace Scouter.Server.Ingestion;

/// <summary>Why a record batch was refused: a stable code, the offending field (e.g. <c>records[3].bin_counts.7</c>) and a message.</summary>
/// <param name="Code">Stable error code.</param>
/// <param name="Field">JSON path of the offending value, without the leading <c>$.</c>.</param>
/// <param name="Detail">Human-readable explanation.</param>
/// <param name="Status">HTTP status the API answers with (400, or 403 for a missing role).</param>
public sealed record IngestError(string Code, string Field, string Detail, int Status = 400);

/// <summary>
/// Validates a wire <see cref="RecordBatch"/> against its profiles and turns it into table rows.
/// The first problem wins, in record order.
/// </summary>
public static class RecordBatchValidator
{
    /// <summary>Most records in one batch.</summary>
    public const int MaxRecords = 10_000;

    /// <summary>Largest LLM record payload (input, response, prompt, context as JSON), in UTF-8 bytes.</summary>
    public const int MaxLlmPayloadBytes = 256 * 1024;

    /// <summary>How far in the future a record time may be (clock skew allowance).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions PayloadJson = new() { TypeInfoResolver = ScouterJsonContext.Default };

    /// <summary>Checks what does not need the profiles: batch id, record count, null records.</summary>
    public static IngestError? ValidateShape(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.BatchId == Guid.Empty) return new("invalid_record_batch", "batch_id", "batch_id must be a non-empty uuid.");
        if (batch.Records is null || batch.Records.Count == 0) return new("invalid_record_batch", "records", "A batch needs at least one record.");
        if (batch.Records.Count > MaxRecords)
        {
            return new("too_many_records", "records", string.Create(CultureInfo.InvariantCulture,
                $"A batch holds at most {MaxRecords} records; this one has {batch.Records.Count}."));
        }
        for (var i = 0; i < batch.Records.Count; i++)
        {
            if (batch.Records[i] is null) return new("invalid_record", Path(i), "A record must be an object, not null.");
        }
        return null;
    }

    /// <summary>
    /// Validates every record against <paramref name="profiles"/> (which must hold each uid of the
    /// batch) and builds the rows. <paramref name="now"/> and <paramref name="retentionDays"/> bound
    /// the accepted record times to <c>[now - retention, now + 1 day]</c>.
    /// </summary>
    public static (IngestBatch? Batch, IngestError? Error) Validate(RecordBatch batch, IReadOnlyDictionary<Guid, CachedProfile> profiles, DateTimeOffset now, int retentionDays)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (ValidateShape(batch) is { } shape) return (null, shape);
        var result = new IngestBatch { BatchId = batch.BatchId, ReceivedAt = now, Records = batch.Records.Count };
        var earliest = now - TimeSpan.FromDays(retentionDays);
        var latest = now + FutureTolerance;
        var llmIds = new HashSet<Guid>();
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            if (!profiles.TryGetValue(record.Uid, out var profile))
                return (null, new("unknown_profile", Path(i, "uid"), $"No profile with uid {record.Uid}."));
            var type = TypeOf(record);
            if (type != profile.Row.DriftType)
            {
                return (null, new("type_mismatch", Path(i, "type"),
                    $"Record type '{Name(type)}' does not match the profile's drift type '{Name(profile.Row.DriftType)}'."));
            }
            if (record.CreatedAt < earliest || record.CreatedAt > latest)
            {
                return (null, new("created_at_out_of_range", Path(i, "created_at"), string.Create(CultureInfo.InvariantCulture,
                    $"created_at {record.CreatedAt:O} is outside the accepted range [{earliest:O}, {latest:O}] (retention {retentionDays} days, at most 1 day ahead).")));
            }
            var error = record switch
            {
                PsiRecord psi => AddPsi(psi, i, (PsiDriftProfile)profile.Profile, result),
                SpcRecord spc => AddSpc(spc, i, profile, result),
                CustomRecord custom => AddCustom(custom, i, profile, result),
                LlmDriftRecord llm => AddLlm(llm, i, llmIds, result),
                _ => new IngestError("invalid_record", Path(i, "type"), "Unknown record type."),
            };
            if (error is not null) return (null, error);
        }
        return (result, null);
    }

    /// <summary>The drift type a record feeds.</summary>
    public static DriftType TypeOf(DriftRecord record) => record switch
    {
        PsiRecord => DriftType.Psi,
        SpcRecord => DriftType.Spc,
        CustomRecord => DriftType.Custom,
        _ => DriftType.Llm,
    };

    private static IngestError? AddPsi(PsiRecord record, int i, PsiDriftProfile profile, IngestBatch batch)
    {
        if (!profile.Features.TryGetValue(record.Feature, out var feature))
            return new("unknown_feature", Path(i, "feature"), $"The profile has no feature '{record.Feature}'.");
        var categorical = feature.Kind == FeatureKind.Categorical;
        long total = 0;
        var start = batch.Psi.Count;
        foreach (var (bin, count) in record.BinCounts)
        {
            var field = Path(i, "bin_counts." + bin.ToString(CultureInfo.InvariantCulture));
            var valid = bin == PsiFeatureProfile.MissingBin || (bin == PsiFeatureProfile.UnseenBin && categorical) || (bin >= 1 && bin <= feature.BinCount);
            if (!valid)
            {
                batch.Psi.RemoveRange(start, batch.Psi.Count - start);
                return new("unknown_bin", field, string.Create(CultureInfo.InvariantCulture,
                    $"Feature '{record.Feature}' has no bin {bin} (valid: {(categorical ? "-1, " : string.Empty)}0..{feature.BinCount})."));
            }
            if (count < 0)
            {
                batch.Psi.RemoveRange(start, batch.Psi.Count - start);
                return new("negative_count", field, string.Create(CultureInfo.InvariantCulture, $"Bin counts must be >= 0; got {count}."));
            }
            total += count;
            if (count > 0) batch.Psi.Add(new PsiCountRow(record.Uid, record.Feature, bin, record.CreatedAt, count));
        }
        return total > 0 ? null : new("no_observations", Path(i, "bin_counts"), "A PSI record needs at least one positive bin count.");
    }

    private static IngestError? AddSpc(SpcRecord record, int i, CachedProfile profile, IngestBatch batch)
    {
        if (!profile.Names.Contains(record.Feature))
            return new("unknown_feature", Path(i, "feature"), $"The profile has no feature '{record.Feature}'.");
        if (!double.IsFinite(record.Mean)) return new("non_finite_value", Path(i, "mean"), "mean must be a finite number.");
        if (record.Count < 1) return new("invalid_count", Path(i, "count"), "count must be >= 1.");
        batch.Spc.Add(new SpcSampleRow(record.Uid, record.Feature, record.CreatedAt, record.Mean, record.Count));
        return null;
    }

    private static IngestError? AddCustom(CustomRecord record, int i, CachedProfile profile, IngestBatch batch)
    {
        if (!profile.Names.Contains(record.Metric))
            return new("unknown_metric", Path(i, "metric"), $"The profile has no metric '{record.Metric}'.");
        if (!double.IsFinite(record.Sum)) return new("non_finite_value", Path(i, "sum"), "sum must be a finite number.");
        if (record.Count < 1) return new("invalid_count", Path(i, "count"), "count must be >= 1.");
        batch.Custom.Add(new CustomValueRow(record.Uid, record.Metric, record.CreatedAt, record.Sum, record.Count));
        return null;
    }

    private static IngestError? AddLlm(LlmDriftRecord record, int i, HashSet<Guid> ids, IngestBatch batch)
    {
        if (record.RecordId == Guid.Empty) return new("invalid_record", Path(i, "record_id"), "record_id must be a non-empty uuid.");
        if (!ids.Add(record.RecordId)) return new("duplicate_record_id", Path(i, "record_id"), $"record_id {record.RecordId} appears twice in the batch.");
        var context = new JsonObject();
        // A missing or null "context" leaves the property null despite its annotation.
        foreach (var (key, value) in record.Context ?? new Dictionary<string, JsonNode?>()) context[key] = value?.DeepClone();
        var payload = new JsonObject
        {
            ["input"] = record.Input?.DeepClone(),
            ["response"] = record.Response?.DeepClone(),
            ["prompt"] = record.Prompt?.DeepClone(),
            ["context"] = context,
        };
        var json = payload.ToJsonString(PayloadJson);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > MaxLlmPayloadBytes)
        {
            return new("payload_too_large", Path(i), string.Create(CultureInfo.InvariantCulture,
                $"An LLM record's input, response, prompt and context may take at most {MaxLlmPayloadBytes} bytes of JSON; this one takes {bytes}."));
        }
        batch.Llm.Add(new LlmRecordRow(record.RecordId, record.Uid, record.CreatedAt, json));
        return null;
    }

    internal static string Path(int index, string? member = null) =>
        member is null ? string.Create(CultureInfo.InvariantCulture, $"records[{index}]") : string.Create(CultureInfo.InvariantCulture, $"records[{index}].{member}");

    private static string Name(DriftType type) => SqlProfileStore.TypeName(type);
}
