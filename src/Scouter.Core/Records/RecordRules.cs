using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Serialization;

namespace Scouter.Records;

/// <summary>
/// The record-level rules of the wire format, checked against one profile: the record's type
/// matches the profile's drift type, its feature or metric is in the profile, PSI bin ids exist for
/// the feature's kind, numbers are finite and within <see cref="RecordLimits"/>, LLM payloads fit.
/// One instance per profile (name lookups are built once); thread-safe. The server's ingestion, the
/// broker consumers, the queue and <c>InMemoryTransport</c> all apply these same rules.
/// </summary>
public sealed class RecordRules
{
    private static readonly JsonSerializerOptions PayloadJson = new() { TypeInfoResolver = ScouterJsonContext.Default };

    private readonly FrozenDictionary<string, PsiFeatureProfile>? _psi;
    private readonly FrozenSet<string> _names;

    private RecordRules(DriftProfile profile)
    {
        Profile = profile;
        switch (profile)
        {
            case PsiDriftProfile psi:
                _psi = psi.Features.ToFrozenDictionary(StringComparer.Ordinal);
                _names = _psi.Keys.ToFrozenSet(StringComparer.Ordinal);
                break;
            case SpcDriftProfile spc:
                _names = spc.Features.Keys.ToFrozenSet(StringComparer.Ordinal);
                break;
            case CustomDriftProfile custom:
                _names = custom.Metrics.Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal);
                break;
            case LlmDriftProfile llm:
                _names = llm.Metrics.Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal);
                break;
            default:
                throw new ArgumentException($"Unsupported profile type {profile.GetType().Name}.", nameof(profile));
        }
    }

    /// <summary>The rules for records of <paramref name="profile"/>.</summary>
    public static RecordRules For(DriftProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new RecordRules(profile);
    }

    /// <summary>The profile the records must match.</summary>
    public DriftProfile Profile { get; }

    /// <summary>Feature names (PSI, SPC) or metric names (custom, LLM) of the profile.</summary>
    public FrozenSet<string> Names => _names;

    /// <summary>
    /// The first problem of <paramref name="record"/>, or null when it may be stored. The record's
    /// <c>uid</c> is not compared with the profile (the caller looked the profile up by it).
    /// </summary>
    public RecordProblem? Check(DriftRecord record) => Check(record, out _);

    /// <summary>
    /// As <see cref="Check(DriftRecord)"/>; for a valid LLM record also returns its stored payload
    /// (<c>{"input", "response", "prompt", "context"}</c> as compact JSON), null for other types.
    /// </summary>
    public RecordProblem? Check(DriftRecord record, out string? llmPayload)
    {
        ArgumentNullException.ThrowIfNull(record);
        llmPayload = null;
        var type = TypeOf(record);
        if (type != Profile.DriftType)
        {
            return new("type_mismatch", "type",
                $"Record type '{EnumNames.Of(type)}' does not match the profile's drift type '{EnumNames.Of(Profile.DriftType)}'.");
        }
        return record switch
        {
            PsiRecord psi => CheckPsi(psi),
            SpcRecord spc => CheckName(spc.Feature, "feature", "unknown_feature") ?? CheckMean(spc.Mean, "mean") ?? CheckCount(spc.Count),
            CustomRecord custom => CheckName(custom.Metric, "metric", "unknown_metric") ?? CheckCount(custom.Count) ?? CheckSum(custom),
            LlmDriftRecord llm => CheckLlm(llm, out llmPayload),
            _ => new("invalid_record", "type", "Unknown record type."),
        };
    }

    /// <summary>
    /// Why the system cannot carry <paramref name="profile"/>'s records, or null when it can: more
    /// than <see cref="RecordLimits.MaxProfileEntries"/> features or metrics, a PSI feature with more
    /// than <see cref="RecordLimits.MaxBinsPerFeature"/> bins, or a name longer than
    /// <see cref="RecordLimits.MaxNameLength"/>. The member is relative to the profile JSON.
    /// </summary>
    public static RecordProblem? CheckCarriable(DriftProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var (member, names) = profile switch
        {
            PsiDriftProfile psi => ("features", psi.Features.Keys.ToList()),
            SpcDriftProfile spc => ("features", spc.Features.Keys.ToList()),
            CustomDriftProfile custom => ("metrics", custom.Metrics.Select(m => m.Name).ToList()),
            LlmDriftProfile llm => ("metrics", llm.Metrics.Select(m => m.Name).ToList()),
            _ => ("features", new List<string>()),
        };
        if (names.Count > RecordLimits.MaxProfileEntries)
        {
            return new("profile_too_large", member, string.Create(CultureInfo.InvariantCulture,
                $"A profile may have at most {RecordLimits.MaxProfileEntries} {member}; this one has {names.Count}. Split the model's {member} over several profiles."));
        }
        foreach (var name in names)
        {
            if (name.Length > RecordLimits.MaxNameLength)
            {
                return new("profile_too_large", member + "." + name[..40] + "…", string.Create(CultureInfo.InvariantCulture,
                    $"A feature or metric name may have at most {RecordLimits.MaxNameLength} characters; this one has {name.Length}."));
            }
        }
        if (profile is PsiDriftProfile p)
        {
            foreach (var (name, feature) in p.Features)
            {
                if (feature.BinCount > RecordLimits.MaxBinsPerFeature)
                {
                    return new("profile_too_large", "features." + name, string.Create(CultureInfo.InvariantCulture,
                        $"A PSI feature may have at most {RecordLimits.MaxBinsPerFeature} bins; '{name}' has {feature.BinCount}. Lower max_categories or the bin count."));
                }
            }
        }
        return null;
    }

    /// <summary>The drift type a record feeds.</summary>
    public static DriftType TypeOf(DriftRecord record) => record switch
    {
        PsiRecord => DriftType.Psi,
        SpcRecord => DriftType.Spc,
        CustomRecord => DriftType.Custom,
        LlmDriftRecord => DriftType.Llm,
        _ => throw new ArgumentException($"Unknown record type {record?.GetType().Name}.", nameof(record)),
    };

    /// <summary>The JSON path of a record member in a batch: <c>records[3]</c> or <c>records[3].bin_counts.7</c>.</summary>
    public static string Path(int index, string? member = null) => string.IsNullOrEmpty(member)
        ? string.Create(CultureInfo.InvariantCulture, $"records[{index}]")
        : string.Create(CultureInfo.InvariantCulture, $"records[{index}].{member}");

    /// <summary>The stored payload of an LLM record: <c>{"input", "response", "prompt", "context"}</c> as compact JSON.</summary>
    public static string LlmPayload(LlmDriftRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var context = new JsonObject();
        // A missing or null "context" on the wire leaves the property null despite its annotation.
        foreach (var (key, value) in record.Context ?? new Dictionary<string, JsonNode?>()) context[key] = value?.DeepClone();
        var payload = new JsonObject
        {
            ["input"] = record.Input?.DeepClone(),
            ["response"] = record.Response?.DeepClone(),
            ["prompt"] = record.Prompt?.DeepClone(),
            ["context"] = context,
        };
        return payload.ToJsonString(PayloadJson);
    }

    private RecordProblem? CheckName(string? name, string member, string unknownCode)
    {
        if (string.IsNullOrEmpty(name)) return new("invalid_record", member, $"{member} must be a non-empty name.");
        if (!_names.Contains(name))
        {
            var shown = name.Length > 100 ? name[..100] + "…" : name;
            return new(unknownCode, member, $"The profile has no {member} '{shown}'.");
        }
        return null;
    }

    private RecordProblem? CheckPsi(PsiRecord record)
    {
        if (CheckName(record.Feature, "feature", "unknown_feature") is { } problem) return problem;
        if (record.BinCounts is null || record.BinCounts.Count == 0)
            return new("no_observations", "bin_counts", "A PSI record needs at least one positive bin count.");
        var feature = _psi![record.Feature];
        var categorical = feature.Kind == FeatureKind.Categorical;
        long total = 0;
        foreach (var (bin, count) in record.BinCounts)
        {
            var member = "bin_counts." + bin.ToString(CultureInfo.InvariantCulture);
            var valid = bin == PsiFeatureProfile.MissingBin || (bin == PsiFeatureProfile.UnseenBin && categorical) || (bin >= 1 && bin <= feature.BinCount);
            if (!valid)
            {
                return new("unknown_bin", member, string.Create(CultureInfo.InvariantCulture,
                    $"Feature '{record.Feature}' ({(categorical ? "categorical" : "numeric")}) has no bin {bin} (valid: {(categorical ? "-1, " : string.Empty)}0..{feature.BinCount})."));
            }
            if (count < 0 || count > RecordLimits.MaxCount)
            {
                return new("count_out_of_range", member, string.Create(CultureInfo.InvariantCulture,
                    $"A bin count must be in [0, {RecordLimits.MaxCount}]; got {count}."));
            }
            total += count; // cannot overflow: at most 2^31 bins of at most 10^9
        }
        if (total == 0) return new("no_observations", "bin_counts", "A PSI record needs at least one positive bin count.");
        if (total > RecordLimits.MaxCount)
        {
            return new("count_out_of_range", "bin_counts", string.Create(CultureInfo.InvariantCulture,
                $"A PSI record's bin counts may add up to at most {RecordLimits.MaxCount}; these add up to {total}."));
        }
        return null;
    }

    private static RecordProblem? CheckCount(long count) => count is >= 1 and <= RecordLimits.MaxCount
        ? null
        : new("count_out_of_range", "count", string.Create(CultureInfo.InvariantCulture, $"count must be in [1, {RecordLimits.MaxCount}]; got {count}."));

    private static RecordProblem? CheckMean(double mean, string member)
    {
        if (!double.IsFinite(mean)) return new("non_finite_value", member, $"{member} must be a finite number.");
        return Math.Abs(mean) <= RecordLimits.MaxAbsValue
            ? null
            : new("value_out_of_range", member, string.Create(CultureInfo.InvariantCulture, $"|{member}| must be at most {RecordLimits.MaxAbsValue:R}; got {mean:R}."));
    }

    private static RecordProblem? CheckSum(CustomRecord record)
    {
        if (!double.IsFinite(record.Sum)) return new("non_finite_value", "sum", "sum must be a finite number.");
        // Bounded as a mean so that a sum of many values is not refused where each value is fine.
        return Math.Abs(record.Sum) <= RecordLimits.MaxAbsValue * record.Count
            ? null
            : new("value_out_of_range", "sum", string.Create(CultureInfo.InvariantCulture,
                $"|sum / count| must be at most {RecordLimits.MaxAbsValue:R}; got sum {record.Sum:R} over count {record.Count}."));
    }

    private static RecordProblem? CheckLlm(LlmDriftRecord record, out string? payload)
    {
        payload = null;
        if (record.RecordId == Guid.Empty) return new("invalid_record", "record_id", "record_id must be a non-empty uuid.");
        var json = LlmPayload(record);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > RecordLimits.MaxLlmPayloadBytes)
        {
            return new("payload_too_large", string.Empty, string.Create(CultureInfo.InvariantCulture,
                $"An LLM record's input, response, prompt and context may take at most {RecordLimits.MaxLlmPayloadBytes} bytes of JSON; this one takes {bytes}."));
        }
        payload = json;
        return null;
    }
}
