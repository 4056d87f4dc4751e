using System.Text.Json.Serialization;
using Scouter.Drift;

namespace Scouter.Api;

/// <summary>PSI of one feature over the window and per bucket.</summary>
/// <param name="BucketPsi">PSI per bucket; null for a bucket without data.</param>
/// <param name="BucketCounts">Observed values (N) per bucket.</param>
/// <param name="Psi">PSI over the whole window; null without data.</param>
/// <param name="N">Observed values over the window.</param>
/// <param name="Threshold">Effective alert threshold over the window (null when not finite).</param>
/// <param name="Alert">Whether the window PSI alerts.</param>
/// <param name="Status">ok or insufficient_data.</param>
/// <param name="ObservedProportions">Bin id → observed proportion over the window.</param>
/// <param name="BaselineProportions">Bin id → baseline proportion (0 missing, -1 unseen for categorical features).</param>
/// <param name="BucketThresholds">
/// Effective alert threshold per bucket, for the bucket's own N (the chi-square and normal thresholds shrink like 1/N); null for a
/// bucket without data or with insufficient data.
/// </param>
/// <param name="BucketStatus">ok or insufficient_data per bucket (a bucket without data is insufficient_data), decided like <c>status</c>.</param>
/// <param name="BucketAlerts">Whether each bucket's PSI alerts on its own, decided like <c>alert</c>.</param>
/// <param name="BucketObserved">
/// Only when the query names one <c>feature</c>: bin id → observed proportion per bucket (keys as in <c>observed_proportions</c>),
/// null for a bucket without data; omitted from the JSON otherwise.
/// </param>
public sealed record PsiFeatureSeries(
    IReadOnlyList<double?> BucketPsi, IReadOnlyList<long> BucketCounts, double? Psi, long N, double? Threshold, bool Alert, DriftStatus Status,
    IReadOnlyDictionary<string, double> ObservedProportions, IReadOnlyDictionary<string, double> BaselineProportions,
    IReadOnlyList<double?> BucketThresholds, IReadOnlyList<DriftStatus> BucketStatus, IReadOnlyList<bool> BucketAlerts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyDictionary<string, double>?>? BucketObserved = null);

/// <summary>Answer of <c>GET /drift/psi</c>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="From">Window start (exclusive).</param>
/// <param name="To">Window end (inclusive).</param>
/// <param name="BucketStarts">Start of each bucket.</param>
/// <param name="Features">Feature → series, in profile order (only the feature the query names, when it names one).</param>
public sealed record PsiDriftResponse(Guid Uid, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DateTimeOffset> BucketStarts,
    IReadOnlyDictionary<string, PsiFeatureSeries> Features);

/// <summary>The six control limits and center of an SPC feature.</summary>
/// <param name="Center">Center line.</param>
/// <param name="Sigma">One sigma on the limit scale.</param>
/// <param name="OneLcl">center - sigma.</param>
/// <param name="OneUcl">center + sigma.</param>
/// <param name="TwoLcl">center - 2 sigma.</param>
/// <param name="TwoUcl">center + 2 sigma.</param>
/// <param name="ThreeLcl">center - 3 sigma.</param>
/// <param name="ThreeUcl">center + 3 sigma.</param>
public sealed record SpcLimits(double Center, double Sigma, double OneLcl, double OneUcl, double TwoLcl, double TwoUcl, double ThreeLcl, double ThreeUcl);

/// <summary>An SPC rule alert over the returned samples.</summary>
/// <param name="Zone">Zone 1-4 (null for trends).</param>
/// <param name="Kind">Rule kind.</param>
/// <param name="Start">Time of the first sample of the run.</param>
/// <param name="End">Time of the last sample of the run.</param>
public sealed record SpcAlertView(int? Zone, SpcAlertKind Kind, DateTimeOffset Start, DateTimeOffset End);

/// <summary>SPC samples of one feature (empty lists when the answer is bucketed).</summary>
/// <param name="Times">Sample times, oldest first.</param>
/// <param name="Means">Sample means.</param>
/// <param name="Counts">Values per sample.</param>
/// <param name="Codes">Zone code per sample (spec/drift-math.md 2.2).</param>
/// <param name="Limits">The profile's limits.</param>
/// <param name="Alerts">Rule alerts over these samples.</param>
/// <param name="Buckets">Per-bucket statistics of the sample means when the window holds more samples than a chart shows (null otherwise).</param>
public sealed record SpcFeatureSeries(IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<double> Means, IReadOnlyList<long> Counts, IReadOnlyList<int> Codes,
    SpcLimits Limits, IReadOnlyList<SpcAlertView> Alerts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SpcBucketSeries? Buckets = null);

/// <summary>Per-bucket statistics of one feature's SPC sample means (a long window's chart).</summary>
/// <param name="Means">Mean of the sample means per bucket; null without samples.</param>
/// <param name="Mins">Smallest sample mean per bucket; null without samples.</param>
/// <param name="Maxes">Largest sample mean per bucket; null without samples.</param>
/// <param name="Counts">Samples per bucket.</param>
/// <param name="Values">Values in those samples per bucket (the samples' counts summed).</param>
public sealed record SpcBucketSeries(IReadOnlyList<double?> Means, IReadOnlyList<double?> Mins, IReadOnlyList<double?> Maxes, IReadOnlyList<long> Counts, IReadOnlyList<long> Values);

/// <summary>Answer of <c>GET /drift/spc</c>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="From">Window start (exclusive).</param>
/// <param name="To">Window end (inclusive).</param>
/// <param name="Truncated">True when the window held more than the returned (newest) samples (only when samples arrived between the count and the read).</param>
/// <param name="Features">Feature → samples, in profile order (only the feature the query names, when it names one).</param>
/// <param name="Bucketed">True when the window holds more samples than a chart shows: each feature has per-bucket <see cref="SpcFeatureSeries.Buckets"/> instead of samples.</param>
/// <param name="BucketStarts">Bucket starts (exclusive) when <paramref name="Bucketed"/>.</param>
public sealed record SpcDriftResponse(Guid Uid, DateTimeOffset From, DateTimeOffset To, bool Truncated, IReadOnlyDictionary<string, SpcFeatureSeries> Features,
    bool Bucketed = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DateTimeOffset>? BucketStarts = null);

/// <summary>A custom or LLM metric per bucket.</summary>
/// <param name="Means">Count-weighted mean per bucket (LLM: mean score); null without data.</param>
/// <param name="Counts">Values per bucket (LLM: scored records).</param>
/// <param name="Mean">Mean over the window; null without data.</param>
/// <param name="Count">Values over the window.</param>
/// <param name="Baseline">The metric's baseline.</param>
/// <param name="Condition">The metric's alert condition.</param>
/// <param name="Delta">The metric's tolerance.</param>
/// <param name="Alert">Whether the window mean breaks the condition.</param>
public sealed record MetricSeries(IReadOnlyList<double?> Means, IReadOnlyList<long> Counts, double? Mean, long Count, double Baseline, AlertThreshold Condition,
    double? Delta, bool Alert);

/// <summary>Answer of <c>GET /drift/custom</c> and <c>GET /drift/llm</c>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="From">Window start (exclusive).</param>
/// <param name="To">Window end (inclusive).</param>
/// <param name="BucketStarts">Start of each bucket.</param>
/// <param name="Metrics">Metric → series, in profile order.</param>
/// <param name="RecordStatus">LLM only: records in the window by evaluation status (pending, done, failed); omitted from the JSON when null.</param>
/// <param name="Judge">LLM only: whether the answering server is judging records now; omitted from the JSON when null.</param>
public sealed record MetricDriftResponse(
    Guid Uid, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DateTimeOffset> BucketStarts, IReadOnlyDictionary<string, MetricSeries> Metrics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, long>? RecordStatus = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JudgeState? Judge = null);
