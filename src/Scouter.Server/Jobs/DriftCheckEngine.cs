using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Drift;
using Scouter.Server.Alerts;
using Scouter.Server.Evaluation;
using Scouter.Server.Storage;

namespace Scouter.Server.Jobs;

/// <summary>The evaluated check: the persisted result, the alert findings and the subjects that had enough data to be judged.</summary>
internal sealed record CheckOutcome(JsonObject Result, IReadOnlyList<AlertFinding> Findings, IReadOnlySet<string> Evaluated, string Summary);

/// <summary>
/// Computes a profile's drift check over the record window <c>(from, to]</c> of <c>created_at</c>
/// exactly per spec/drift-math.md: PSI from summed bin counts, SPC from the stored sample means in
/// time order, custom metrics from Σsum/Σcount, LLM metrics from the mean judge score. A feature or
/// metric without data is reported as <c>no_data</c> and never alerts. Sums follow the overflow rule
/// of <see cref="WindowSums"/>, so no stored data can make a check fail: data it cannot judge is
/// <c>invalid_data</c> (not evaluated, no alert). The window data comes from <see cref="DriftCheckReads"/>;
/// the result is a <see cref="DriftCheckResult"/> written by <see cref="DriftCheckJsonContext"/>.
/// </summary>
internal sealed class DriftCheckEngine(IRecordStore records, EvaluationOptions evaluation, double spcFalseAlarmRate = SpcAlertCalibration.DefaultFalseAlarmRate)
{
    /// <summary>The subject of the <c>evaluation_failures</c> alert of an LLM profile.</summary>
    public const string EvaluationSubject = "evaluation";

    private readonly DriftCheckReads _reads = new(records);

    public async Task<CheckOutcome> EvaluateAsync(DriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var context = new EvalContext();
        var subjects = profile switch
        {
            PsiDriftProfile psi => Psi(psi, await _reads.PsiCountsAsync(uid, from, to, cancellationToken), context),
            SpcDriftProfile spc => Spc(spc, await _reads.SpcScansAsync(spc, uid, from, to, spcFalseAlarmRate, cancellationToken), context),
            CustomDriftProfile custom => Metrics(custom.Metrics, await _reads.MetricsAsync(llmScores: false, uid, from, to, cancellationToken), AlertKinds.Custom, context),
            LlmDriftProfile llm => await LlmAsync(llm, uid, from, to, context, cancellationToken),
            _ => throw new InvalidOperationException("Unknown profile type " + profile.GetType().Name),
        };
        var byFeature = profile is PsiDriftProfile or SpcDriftProfile;
        var result = new DriftCheckResult
        {
            Uid = uid.ToString("D", CultureInfo.InvariantCulture),
            DriftType = DriftTypeName(profile),
            WindowStart = Format(from),
            WindowEnd = Format(to),
            Features = byFeature ? subjects : null,
            Metrics = byFeature ? null : subjects,
            AlertCount = context.Findings.Count,
            Evaluation = context.Evaluation,
        };
        var json = JsonSerializer.SerializeToNode(result, DriftCheckJsonContext.Default.DriftCheckResult)!.AsObject();
        return new CheckOutcome(json, context.Findings, context.Evaluated, context.Summary.ToString().TrimEnd(' ', ';'));
    }

    private sealed class EvalContext
    {
        public List<AlertFinding> Findings { get; } = [];
        public HashSet<string> Evaluated { get; } = new(StringComparer.Ordinal);
        public StringBuilder Summary { get; } = new();

        /// <summary>The LLM evaluation health (LLM profiles only).</summary>
        public EvaluationHealthResult? Evaluation { get; set; }
    }

    private static Dictionary<string, SubjectResult> Psi(PsiDriftProfile profile, Dictionary<string, Dictionary<int, long>> counts, EvalContext context)
    {
        var threshold = profile.Config.AlertConfig.Threshold;
        var thresholdKind = threshold.Kind switch { PsiThresholdKind.Fixed => "fixed", PsiThresholdKind.Normal => "normal", _ => "chi_square" };
        double? fixedValue = threshold.Kind == PsiThresholdKind.Fixed ? threshold.Value : null;
        var features = new Dictionary<string, SubjectResult>(StringComparer.Ordinal);
        foreach (var (name, feature) in profile.Features.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            PsiNotEvaluated NotEvaluated(string status) => new()
            {
                Bins = feature.BinCount, ThresholdKind = thresholdKind, Alpha = threshold.Alpha, MinPsi = threshold.MinPsi, FixedValue = fixedValue, Status = status,
            };
            if (!counts.TryGetValue(name, out var bins) || bins.Values.All(c => c == 0))
            {
                features[name] = NotEvaluated(DriftCheckResults.NoData) with { N = 0 };
                NoData(context, name);
                continue;
            }
            PsiFeatureDrift drift;
            try
            {
                drift = DriftChecks.EvaluatePsi(feature, bins, threshold);
            }
            catch (ArgumentException ex)
            {
                features[name] = NotEvaluated(DriftCheckResults.InvalidData) with { Error = ex.Message };
                context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: invalid_data; ");
                continue;
            }
            var evaluated = new PsiEvaluated
            {
                Bins = feature.BinCount, ThresholdKind = thresholdKind, Alpha = threshold.Alpha, MinPsi = threshold.MinPsi, FixedValue = fixedValue,
                N = drift.N,
                ObservedCounts = bins.OrderBy(b => b.Key).ToDictionary(b => b.Key.ToString(CultureInfo.InvariantCulture), b => b.Value, StringComparer.Ordinal),
                Psi = drift.Psi,
                StatisticalThreshold = Number(drift.StatisticalThreshold),
                Threshold = Number(drift.Threshold),
                MinSample = 10L * feature.BinCount,
                Status = DriftCheckResults.InsufficientData,
                Decision = DriftCheckResults.NotEvaluated,
            };
            if (drift.Status == DriftStatus.InsufficientData)
            {
                features[name] = evaluated;
                context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: insufficient_data N={drift.N} B={drift.Bins}; ");
                continue;
            }
            context.Evaluated.Add(name);
            string? severity = drift.Severity is { } s ? AlertSeverities.Of(s) : null;
            var judged = new PsiJudged(evaluated)
            {
                Status = DriftCheckResults.Ok, Decision = DriftCheckResults.Decision(drift.Alert), Alert = drift.Alert, Severity = severity,
            };
            features[name] = judged;
            context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: N={drift.N} B={drift.Bins} psi={drift.Psi:R} threshold={drift.Threshold:R} {(drift.Alert ? "ALERT" : "ok")}; ");
            if (drift.Alert) context.Findings.Add(Finding(new AlertKey(name, AlertKinds.Psi, null), severity ?? AlertSeverities.Warning, name, judged));
        }
        return features;
    }

    private static Dictionary<string, SubjectResult> Spc(SpcDriftProfile profile, Dictionary<string, SpcFeatureScan> scans, EvalContext context)
    {
        var alertConfig = profile.Config.AlertConfig;
        var features = new Dictionary<string, SubjectResult>(StringComparer.Ordinal);
        foreach (var (name, limits) in profile.Features.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var scan = scans[name];
            if (scan.Count == 0)
            {
                features[name] = new SpcNotEvaluated
                {
                    Center = limits.Center, Sigma = limits.Sigma, Rule = alertConfig.Rule, ZonesToMonitor = alertConfig.ZonesToMonitor, TrendLength = alertConfig.TrendLength,
                };
                NoData(context, name);
                continue;
            }
            context.Evaluated.Add(name);
            // The decision: the calibrated rules (false-alarm probability at most the setting for this many samples);
            // rule_alerts keep the configured rules' hits for the record.
            var fired = scan.DecisionRuns.ToList();
            var result = scan.ToResult(limits, alertConfig, alert: fired.Count > 0);
            features[name] = result;
            context.Summary.Append(CultureInfo.InvariantCulture,
                $"{name}: samples={scan.Count} center={limits.Center:R} sigma={limits.Sigma:R} rules_fired={scan.Runs.Count()} calibrated_rule=\"{scan.Calibration.Rule}\" trend={scan.Calibration.TrendLength} fired={fired.Count} {(fired.Count > 0 ? "ALERT" : "ok")}; ");
            foreach (var runs in fired)
            {
                // The alert of one (kind, zone) carries the feature summary with only its own rule: the calibrated run that
                // opened it and the same rule's runs as configured.
                var payload = result with
                {
                    DecisionAlerts = [runs.ToResult()],
                    RuleAlerts = [.. scan.Runs.Where(r => r.Kind == runs.Kind && r.Zone == runs.Zone).Select(r => r.ToResult())],
                };
                var severity = runs.Kind == SpcAlertKind.OutOfBounds ? AlertSeverities.Critical : AlertSeverities.Warning;
                context.Findings.Add(Finding(new AlertKey(name, AlertKinds.Of(runs.Kind), runs.Zone), severity, name, payload));
            }
        }
        return features;
    }

    private static Dictionary<string, SubjectResult> Metrics(IEnumerable<BaselineMetric> metrics, Dictionary<string, (double Sum, double Count)> values, string kind,
        EvalContext context)
    {
        var result = new Dictionary<string, SubjectResult>(StringComparer.Ordinal);
        foreach (var metric in metrics.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var condition = ConditionName(metric.Condition);
            MetricNotEvaluated NotEvaluated(string status) => new() { Baseline = metric.Baseline, Condition = condition, Delta = metric.Delta, Status = status };
            // Only rows written outside ingestion can add up to a count <= 0.
            if (!values.TryGetValue(metric.Name, out var v) || !(v.Count > 0))
            {
                result[metric.Name] = NotEvaluated(DriftCheckResults.NoData);
                NoData(context, metric.Name);
                continue;
            }
            var observed = v.Sum / v.Count;
            var n = WindowSums.Saturate(v.Count);
            if (MinCount(metric) is { } minCount && v.Count < minCount)
            {
                result[metric.Name] = new MetricInsufficient
                {
                    Baseline = metric.Baseline, Condition = condition, Delta = metric.Delta, Status = DriftCheckResults.InsufficientData,
                    N = n, MinCount = minCount, Observed = Number(observed),
                };
                context.Summary.Append(CultureInfo.InvariantCulture, $"{metric.Name}: insufficient_data n={n} < min_count={minCount}; ");
                continue;
            }
            if (!double.IsFinite(observed))
            {
                // The values add up beyond the double range (only data stored before the record bounds can).
                result[metric.Name] = NotEvaluated(DriftCheckResults.InvalidData) with { N = n, Error = "The window's values do not add up to a finite number." };
                context.Summary.Append(CultureInfo.InvariantCulture, $"{metric.Name}: invalid_data; ");
                continue;
            }
            var alert = metric.IsAlert(observed);
            context.Evaluated.Add(metric.Name);
            var evaluated = new MetricEvaluated
            {
                Baseline = metric.Baseline, Condition = condition, Delta = metric.Delta,
                N = n, Sum = Number(v.Sum), Observed = Number(observed), Decision = DriftCheckResults.Decision(alert), Alert = alert,
            };
            result[metric.Name] = evaluated;
            context.Summary.Append(CultureInfo.InvariantCulture,
                $"{metric.Name}: n={n} observed={observed:R} baseline={metric.Baseline:R} {condition} delta={metric.Delta?.ToString("R", CultureInfo.InvariantCulture) ?? "none"} {(alert ? "ALERT" : "ok")}; ");
            if (alert) context.Findings.Add(Finding(new AlertKey(metric.Name, kind, null), AlertSeverities.Warning, metric.Name, evaluated));
        }
        return result;
    }

    private static int? MinCount(BaselineMetric metric) => metric switch
    {
        LlmMetric judged => judged.MinCount,
        AssertionMetric assertion => assertion.MinCount,
        _ => null,
    };

    /// <summary>
    /// LLM metrics (judged and assertion) from the scores evaluated in the window, and the evaluation
    /// health of the window (<see cref="DriftCheckReads.EvaluationHealthAsync"/>). A failure share above
    /// <see cref="EvaluationOptions.FailureRate"/> or any stuck record raises <c>evaluation_failures</c>.
    /// </summary>
    private async Task<Dictionary<string, SubjectResult>> LlmAsync(LlmDriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, EvalContext context, CancellationToken ct)
    {
        var metrics = Metrics([.. profile.Metrics, .. profile.Assertions], await _reads.MetricsAsync(llmScores: true, uid, from, to, ct), AlertKinds.Llm, context);
        var health = await _reads.EvaluationHealthAsync(uid, from, to, evaluation, ct);
        var finished = health.Done + health.Failed;
        var failureRate = finished == 0 ? 0 : (double)health.Failed / finished;
        var alert = failureRate > evaluation.FailureRate || health.StuckPending > 0;
        var node = new EvaluationHealthResult
        {
            Done = health.Done,
            Failed = health.Failed,
            FailureRate = failureRate,
            MaxFailureRate = evaluation.FailureRate,
            StuckPending = health.StuckPending,
            StuckBefore = Format(health.StuckBefore),
            Decision = DriftCheckResults.Decision(alert),
            Alert = alert,
        };
        context.Evaluated.Add(EvaluationSubject);
        context.Summary.Append(CultureInfo.InvariantCulture,
            $"{EvaluationSubject}: done={health.Done} failed={health.Failed} stuck_pending={health.StuckPending} {(alert ? "ALERT" : "ok")}; ");
        if (alert) context.Findings.Add(Finding(new AlertKey(EvaluationSubject, AlertKinds.EvaluationFailures, null), AlertSeverities.Critical, EvaluationSubject, node));
        context.Evaluation = node;
        return metrics;
    }

    private static void NoData(EvalContext context, string name) => context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: no_data; ");

    /// <summary>An alert: the subject's part of the result, naming the subject.</summary>
    private static AlertFinding Finding(AlertKey key, string severity, string subject, SubjectResult result) =>
        new(key, severity, JsonSerializer.Serialize(result with { Subject = subject }, DriftCheckJsonContext.Default.SubjectResult));

    /// <summary>JSON cannot hold infinities (a one-bin feature's statistical threshold): those become null.</summary>
    private static double? Number(double value) => double.IsFinite(value) ? value : null;

    internal static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    internal static string ConditionName(AlertThreshold condition) => condition switch
    {
        AlertThreshold.Above => "above",
        AlertThreshold.Outside => "outside",
        _ => "below",
    };

    internal static string DriftTypeName(DriftProfile profile) => profile switch
    {
        PsiDriftProfile => "psi",
        SpcDriftProfile => "spc",
        CustomDriftProfile => "custom",
        _ => "llm",
    };
}
