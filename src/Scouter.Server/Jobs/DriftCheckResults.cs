using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Scouter.Server.Jobs;

// The persisted result of a drift check (check_runs.result_json) and the alert payloads cut from it.
// Property orders are explicit: each subject's JSON lists its settings, then what the check found,
// in the order the dashboard, webhooks and stored check runs have always had. A state that was not
// evaluated lists its status first; an evaluated one lists the numbers first.

/// <summary>A drift check's result.</summary>
internal sealed record DriftCheckResult
{
    [JsonPropertyOrder(1)] public required string Uid { get; init; }
    [JsonPropertyOrder(2)] public required string DriftType { get; init; }
    [JsonPropertyOrder(3)] public required string WindowStart { get; init; }
    [JsonPropertyOrder(4)] public required string WindowEnd { get; init; }

    /// <summary>PSI and SPC profiles: per feature.</summary>
    [JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, SubjectResult>? Features { get; init; }

    /// <summary>Custom and LLM profiles: per metric.</summary>
    [JsonPropertyOrder(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, SubjectResult>? Metrics { get; init; }

    [JsonPropertyOrder(7)] public required int AlertCount { get; init; }

    /// <summary>LLM profiles: the evaluation health of the window.</summary>
    [JsonPropertyOrder(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EvaluationHealthResult? Evaluation { get; init; }
}

/// <summary>One feature's or metric's part of a result; an alert payload is the same with <see cref="Subject"/> set.</summary>
[JsonDerivedType(typeof(PsiNotEvaluated))]
[JsonDerivedType(typeof(PsiEvaluated))]
[JsonDerivedType(typeof(PsiJudged))]
[JsonDerivedType(typeof(SpcNotEvaluated))]
[JsonDerivedType(typeof(SpcEvaluated))]
[JsonDerivedType(typeof(MetricNotEvaluated))]
[JsonDerivedType(typeof(MetricInsufficient))]
[JsonDerivedType(typeof(MetricEvaluated))]
[JsonDerivedType(typeof(EvaluationHealthResult))]
internal abstract record SubjectResult
{
    /// <summary>The feature or metric an alert payload is about (null in the result itself).</summary>
    [JsonPropertyOrder(100), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; init; }
}

/// <summary>A PSI feature's settings.</summary>
internal abstract record PsiFeatureResult : SubjectResult
{
    [JsonPropertyOrder(1)] public required int Bins { get; init; }
    [JsonPropertyOrder(2)] public required string ThresholdKind { get; init; }
    [JsonPropertyOrder(3)] public required double Alpha { get; init; }
    [JsonPropertyOrder(4)] public required double MinPsi { get; init; }

    /// <summary>Only for the fixed threshold.</summary>
    [JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FixedValue { get; init; }
}

/// <summary>A PSI feature without data (<c>n</c> 0) or with data it cannot judge (<c>error</c>).</summary>
internal sealed record PsiNotEvaluated : PsiFeatureResult
{
    [JsonPropertyOrder(10)] public required string Status { get; init; }
    [JsonPropertyOrder(11)] public string Decision { get; init; } = DriftCheckResults.NotEvaluated;
    [JsonPropertyOrder(12), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? N { get; init; }
    [JsonPropertyOrder(13), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Error { get; init; }
}

/// <summary>A PSI feature with counts: too few to judge (this type) or judged (<see cref="PsiJudged"/>).</summary>
internal record PsiEvaluated : PsiFeatureResult
{
    [JsonPropertyOrder(20)] public required long N { get; init; }
    [JsonPropertyOrder(21)] public required Dictionary<string, long> ObservedCounts { get; init; }
    [JsonPropertyOrder(22)] public required double Psi { get; init; }

    /// <summary>Null when infinite (a one-bin feature): JSON has no infinities.</summary>
    [JsonPropertyOrder(23)] public required double? StatisticalThreshold { get; init; }
    [JsonPropertyOrder(24)] public required double? Threshold { get; init; }
    [JsonPropertyOrder(25)] public required long MinSample { get; init; }
    [JsonPropertyOrder(26)] public required string Status { get; init; }
    [JsonPropertyOrder(27)] public required string Decision { get; init; }
}

/// <summary>A judged PSI feature.</summary>
internal sealed record PsiJudged : PsiEvaluated
{
    [JsonConstructor]
    public PsiJudged()
    {
    }

    /// <summary>The judgement of <paramref name="evaluated"/> (its status, decision, alert and severity are set by the caller).</summary>
    [SetsRequiredMembers]
    public PsiJudged(PsiEvaluated evaluated) : base(evaluated)
    {
    }

    [JsonPropertyOrder(28)] public required bool Alert { get; init; }
    [JsonPropertyOrder(29)] public required string? Severity { get; init; }
}

/// <summary>An SPC feature's settings.</summary>
internal abstract record SpcFeatureResult : SubjectResult
{
    [JsonPropertyOrder(1)] public required double Center { get; init; }
    [JsonPropertyOrder(2)] public required double Sigma { get; init; }
    [JsonPropertyOrder(3)] public required string Rule { get; init; }
    [JsonPropertyOrder(4)] public required IReadOnlyList<int> ZonesToMonitor { get; init; }
    [JsonPropertyOrder(5)] public required int TrendLength { get; init; }
}

/// <summary>An SPC feature without samples.</summary>
internal sealed record SpcNotEvaluated : SpcFeatureResult
{
    [JsonPropertyOrder(10)] public string Status { get; init; } = DriftCheckResults.NoData;
    [JsonPropertyOrder(11)] public string Decision { get; init; } = DriftCheckResults.NotEvaluated;
    [JsonPropertyOrder(12)] public int N { get; init; }
}

/// <summary>An SPC feature's scan summary (see <see cref="SpcFeatureScan"/>) and decision.</summary>
internal sealed record SpcEvaluated : SpcFeatureResult
{
    [JsonPropertyOrder(20)] public string Status { get; init; } = DriftCheckResults.Ok;
    [JsonPropertyOrder(21)] public required long N { get; init; }
    [JsonPropertyOrder(22)] public required string? FirstSampleAt { get; init; }
    [JsonPropertyOrder(23)] public required string? LastSampleAt { get; init; }
    [JsonPropertyOrder(24)] public required IReadOnlyList<SpcSampleResult> LastSamples { get; init; }
    [JsonPropertyOrder(25)] public required IReadOnlyList<SpcRuleRunsResult> RuleAlerts { get; init; }
    [JsonPropertyOrder(26)] public required SpcCalibrationResult Calibration { get; init; }
    [JsonPropertyOrder(27)] public required IReadOnlyList<SpcRuleRunsResult> DecisionAlerts { get; init; }
    [JsonPropertyOrder(28)] public required string Decision { get; init; }
    [JsonPropertyOrder(29)] public required bool Alert { get; init; }
}

/// <summary>One of the newest samples of an SPC feature.</summary>
internal sealed record SpcSampleResult(
    [property: JsonPropertyOrder(1)] string At,
    [property: JsonPropertyOrder(2)] double Mean,
    [property: JsonPropertyOrder(3)] int Code);

/// <summary>The runs of one fired SPC rule: how many, the first and the last.</summary>
internal sealed record SpcRuleRunsResult(
    [property: JsonPropertyOrder(1)] string Kind,
    [property: JsonPropertyOrder(2)] int? Zone,
    [property: JsonPropertyOrder(3)] long Runs,
    [property: JsonPropertyOrder(4)] SpcRunResult FirstRun,
    [property: JsonPropertyOrder(5)] SpcRunResult LastRun);

/// <summary>One run of an SPC rule (its first <c>length</c> samples).</summary>
internal sealed record SpcRunResult([property: JsonPropertyOrder(1)] string Start, [property: JsonPropertyOrder(2)] string End);

/// <summary>The calibrated rules of an SPC alert decision.</summary>
internal sealed record SpcCalibrationResult(
    [property: JsonPropertyOrder(1)] double FalseAlarmRate,
    [property: JsonPropertyOrder(2)] long Samples,
    [property: JsonPropertyOrder(3)] string Rule,
    [property: JsonPropertyOrder(4)] int TrendLength,
    [property: JsonPropertyOrder(5)] double Bound);

/// <summary>A custom or LLM metric's settings.</summary>
internal abstract record MetricResult : SubjectResult
{
    [JsonPropertyOrder(1)] public required double Baseline { get; init; }
    [JsonPropertyOrder(2)] public required string Condition { get; init; }
    [JsonPropertyOrder(3)] public required double? Delta { get; init; }
}

/// <summary>A metric without values (<c>n</c> 0), or whose values do not add up to a finite number (<c>error</c>).</summary>
internal record MetricNotEvaluated : MetricResult
{
    [JsonPropertyOrder(10)] public required string Status { get; init; }
    [JsonPropertyOrder(11)] public string Decision { get; init; } = DriftCheckResults.NotEvaluated;
    [JsonPropertyOrder(12)] public long N { get; init; }
    [JsonPropertyOrder(15), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Error { get; init; }
}

/// <summary>A metric with fewer values than its <c>min_count</c>.</summary>
internal sealed record MetricInsufficient : MetricNotEvaluated
{
    [JsonPropertyOrder(13)] public required int MinCount { get; init; }
    [JsonPropertyOrder(14)] public required double? Observed { get; init; }
}

/// <summary>A judged metric.</summary>
internal sealed record MetricEvaluated : MetricResult
{
    [JsonPropertyOrder(20)] public string Status { get; init; } = DriftCheckResults.Ok;
    [JsonPropertyOrder(21)] public required long N { get; init; }
    [JsonPropertyOrder(22)] public required double? Sum { get; init; }
    [JsonPropertyOrder(23)] public required double? Observed { get; init; }
    [JsonPropertyOrder(24)] public required string Decision { get; init; }
    [JsonPropertyOrder(25)] public required bool Alert { get; init; }
}

/// <summary>The evaluation health of an LLM profile's window.</summary>
internal sealed record EvaluationHealthResult : SubjectResult
{
    [JsonPropertyOrder(1)] public required long Done { get; init; }
    [JsonPropertyOrder(2)] public required long Failed { get; init; }
    [JsonPropertyOrder(3)] public required double FailureRate { get; init; }
    [JsonPropertyOrder(4)] public required double MaxFailureRate { get; init; }
    [JsonPropertyOrder(5)] public required long StuckPending { get; init; }
    [JsonPropertyOrder(6)] public required string StuckBefore { get; init; }
    [JsonPropertyOrder(7)] public required string Decision { get; init; }
    [JsonPropertyOrder(8)] public required bool Alert { get; init; }
}

/// <summary>The status and decision words of a result.</summary>
internal static class DriftCheckResults
{
    public const string Ok = "ok";
    public const string NoData = "no_data";
    public const string InsufficientData = "insufficient_data";
    public const string InvalidData = "invalid_data";
    public const string NotEvaluated = "not_evaluated";

    public static string Decision(bool alert) => alert ? "alert" : "no_alert";
}

/// <summary>Source-generated serialization of drift check results.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DriftCheckResult))]
[JsonSerializable(typeof(SubjectResult))]
internal sealed partial class DriftCheckJsonContext : JsonSerializerContext;
