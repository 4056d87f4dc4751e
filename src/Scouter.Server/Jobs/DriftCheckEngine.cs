using System.Globalization;
using System.Text;
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
/// <c>invalid_data</c> (not evaluated, no alert).
/// </summary>
internal sealed class DriftCheckEngine(IRecordStore records, EvaluationOptions evaluation, double spcFalseAlarmRate = SpcAlertCalibration.DefaultFalseAlarmRate)
{
    /// <summary>The subject of the <c>evaluation_failures</c> alert of an LLM profile.</summary>
    public const string EvaluationSubject = "evaluation";

    public async Task<CheckOutcome> EvaluateAsync(DriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var context = new EvalContext();
        var subjects = profile switch
        {
            PsiDriftProfile psi => await PsiAsync(psi, uid, from, to, context, cancellationToken),
            SpcDriftProfile spc => await SpcAsync(spc, uid, from, to, context, cancellationToken),
            CustomDriftProfile custom => await MetricsAsync(custom.Metrics, "custom_values", AlertKinds.Custom, uid, from, to, context, cancellationToken),
            LlmDriftProfile llm => await LlmAsync(llm, uid, from, to, context, cancellationToken),
            _ => throw new InvalidOperationException("Unknown profile type " + profile.GetType().Name),
        };
        var result = new JsonObject
        {
            ["uid"] = uid.ToString("D", CultureInfo.InvariantCulture),
            ["drift_type"] = DriftTypeName(profile),
            ["window_start"] = Format(from),
            ["window_end"] = Format(to),
            [profile is PsiDriftProfile or SpcDriftProfile ? "features" : "metrics"] = subjects,
            ["alert_count"] = context.Findings.Count,
        };
        foreach (var (name, section) in context.Sections) result[name] = section;
        return new CheckOutcome(result, context.Findings, context.Evaluated, context.Summary.ToString().TrimEnd(' ', ';'));
    }

    private sealed class EvalContext
    {
        public List<AlertFinding> Findings { get; } = [];
        public HashSet<string> Evaluated { get; } = new(StringComparer.Ordinal);
        public StringBuilder Summary { get; } = new();

        /// <summary>Extra top-level parts of the result (the LLM evaluation health).</summary>
        public Dictionary<string, JsonNode> Sections { get; } = new(StringComparer.Ordinal);
    }

    private async Task<JsonObject> PsiAsync(PsiDriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, EvalContext context, CancellationToken ct)
    {
        var sums = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        if (Window(from, to) is { } window)
        {
            foreach (var row in await records.PsiCountsAsync(uid, window, ct))
            {
                if (!sums.TryGetValue(row.Feature, out var bins)) sums[row.Feature] = bins = [];
                bins[row.BinId] = bins.GetValueOrDefault(row.BinId) + row.Count;
            }
        }
        var counts = sums.ToDictionary(kv => kv.Key, kv => WindowSums.Fit(kv.Value), StringComparer.Ordinal);

        var threshold = profile.Config.AlertConfig.Threshold;
        var features = new JsonObject();
        foreach (var (name, feature) in profile.Features.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var node = new JsonObject
            {
                ["bins"] = feature.BinCount,
                ["threshold_kind"] = threshold.Kind switch { PsiThresholdKind.Fixed => "fixed", PsiThresholdKind.Normal => "normal", _ => "chi_square" },
                ["alpha"] = threshold.Alpha,
                ["min_psi"] = threshold.MinPsi,
            };
            if (threshold.Kind == PsiThresholdKind.Fixed) node["fixed_value"] = threshold.Value;
            features[name] = node;
            if (!counts.TryGetValue(name, out var bins) || bins.Values.All(c => c == 0))
            {
                NoData(node, context, name);
                continue;
            }
            PsiFeatureDrift drift;
            try
            {
                drift = DriftChecks.EvaluatePsi(feature, bins, threshold);
            }
            catch (ArgumentException ex)
            {
                node["status"] = "invalid_data";
                node["decision"] = "not_evaluated";
                node["error"] = ex.Message;
                context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: invalid_data; ");
                continue;
            }
            node["n"] = drift.N;
            node["observed_counts"] = new JsonObject(bins.OrderBy(b => b.Key).Select(b =>
                KeyValuePair.Create(b.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)JsonValue.Create(b.Value))));
            node["psi"] = drift.Psi;
            node["statistical_threshold"] = Number(drift.StatisticalThreshold);
            node["threshold"] = Number(drift.Threshold);
            node["min_sample"] = 10L * feature.BinCount;
            if (drift.Status == DriftStatus.InsufficientData)
            {
                node["status"] = "insufficient_data";
                node["decision"] = "not_evaluated";
                context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: insufficient_data N={drift.N} B={drift.Bins}; ");
                continue;
            }
            context.Evaluated.Add(name);
            node["status"] = "ok";
            node["decision"] = drift.Alert ? "alert" : "no_alert";
            node["alert"] = drift.Alert;
            string? severity = drift.Severity is { } s ? AlertSeverities.Of(s) : null;
            node["severity"] = severity;
            context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: N={drift.N} B={drift.Bins} psi={drift.Psi:R} threshold={drift.Threshold:R} {(drift.Alert ? "ALERT" : "ok")}; ");
            if (drift.Alert) context.Findings.Add(Finding(new AlertKey(name, AlertKinds.Psi, null), severity ?? AlertSeverities.Warning, name, node));
        }
        return features;
    }

    private async Task<JsonObject> SpcAsync(SpcDriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, EvalContext context, CancellationToken ct)
    {
        // The alert decision's run lengths depend on the window's sample count, counted before the scan (from the roll-ups).
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Window(from, to) is { } window)
        {
            foreach (var stats in await records.SpcStatsAsync(uid, window, ct)) counts[stats.Feature] = stats.Samples;
        }
        var scans = await SpcFeatureScan.ReadAsync(records.StreamSpcSamplesAsync(uid, from, to, ct), profile,
            feature => SpcAlertCalibration.For(profile, (long)Math.Min(counts.GetValueOrDefault(feature), long.MaxValue / 4), spcFalseAlarmRate), ct);

        var alertConfig = profile.Config.AlertConfig;
        var features = new JsonObject();
        foreach (var (name, limits) in profile.Features.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var node = new JsonObject
            {
                ["center"] = limits.Center,
                ["sigma"] = limits.Sigma,
                ["rule"] = alertConfig.Rule,
                ["zones_to_monitor"] = new JsonArray([.. alertConfig.ZonesToMonitor.Select(z => (JsonNode?)z)]),
                ["trend_length"] = alertConfig.TrendLength,
            };
            features[name] = node;
            var scan = scans[name];
            if (scan.Count == 0)
            {
                NoData(node, context, name);
                continue;
            }
            context.Evaluated.Add(name);
            node["status"] = "ok";
            scan.WriteTo(node);
            // The decision: the calibrated rules (false-alarm probability at most the setting for this many samples);
            // rule_alerts keep the configured rules' hits for the record.
            var fired = scan.DecisionRuns.ToList();
            node["decision"] = fired.Count > 0 ? "alert" : "no_alert";
            node["alert"] = fired.Count > 0;
            context.Summary.Append(CultureInfo.InvariantCulture,
                $"{name}: samples={scan.Count} center={limits.Center:R} sigma={limits.Sigma:R} rules_fired={scan.Runs.Count()} calibrated_rule=\"{scan.Calibration.Rule}\" trend={scan.Calibration.TrendLength} fired={fired.Count} {(fired.Count > 0 ? "ALERT" : "ok")}; ");
            foreach (var runs in fired)
            {
                // The alert of one (kind, zone) carries the feature summary with only its own rule: the calibrated run that
                // opened it and the same rule's runs as configured.
                var payload = (JsonObject)node.DeepClone();
                payload["decision_alerts"] = new JsonArray(runs.ToJson());
                payload["rule_alerts"] = new JsonArray([.. scan.Runs.Where(r => r.Kind == runs.Kind && r.Zone == runs.Zone).Select(r => (JsonNode?)r.ToJson())]);
                var severity = runs.Kind == SpcAlertKind.OutOfBounds ? AlertSeverities.Critical : AlertSeverities.Warning;
                context.Findings.Add(Finding(new AlertKey(name, AlertKinds.Of(runs.Kind), runs.Zone), severity, name, payload));
            }
        }
        return features;
    }

    private async Task<JsonObject> MetricsAsync(IEnumerable<BaselineMetric> metrics, string table, string kind, Guid uid, DateTimeOffset from, DateTimeOffset to,
        EvalContext context, CancellationToken ct)
    {
        // LLM scores count in the window they were judged in, so a record judged after a check counts in the next one, once.
        var values = new Dictionary<string, (double Sum, double Count)>(StringComparer.Ordinal);
        if (Window(from, to) is { } window)
        {
            var rows = table == "custom_values" ? await records.CustomValuesAsync(uid, window, ct) : await records.LlmScoresAsync(uid, window, ct);
            foreach (var row in rows) values[row.Metric] = (row.Sum, row.Count);
        }

        var result = new JsonObject();
        foreach (var metric in metrics.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var node = new JsonObject
            {
                ["baseline"] = metric.Baseline,
                ["condition"] = ConditionName(metric.Condition),
                ["delta"] = metric.Delta,
            };
            result[metric.Name] = node;
            // Only rows written outside ingestion can add up to a count <= 0.
            if (!values.TryGetValue(metric.Name, out var v) || !(v.Count > 0))
            {
                NoData(node, context, metric.Name);
                continue;
            }
            var observed = v.Sum / v.Count;
            var n = WindowSums.Saturate(v.Count);
            if (MinCount(metric) is { } minCount && v.Count < minCount)
            {
                node["status"] = "insufficient_data";
                node["decision"] = "not_evaluated";
                node["n"] = n;
                node["min_count"] = minCount;
                node["observed"] = Number(observed);
                context.Summary.Append(CultureInfo.InvariantCulture, $"{metric.Name}: insufficient_data n={n} < min_count={minCount}; ");
                continue;
            }
            if (!double.IsFinite(observed))
            {
                // The values add up beyond the double range (only data stored before the record bounds can).
                node["status"] = "invalid_data";
                node["decision"] = "not_evaluated";
                node["n"] = n;
                node["error"] = "The window's values do not add up to a finite number.";
                context.Summary.Append(CultureInfo.InvariantCulture, $"{metric.Name}: invalid_data; ");
                continue;
            }
            var alert = metric.IsAlert(observed);
            context.Evaluated.Add(metric.Name);
            node["status"] = "ok";
            node["n"] = n;
            node["sum"] = Number(v.Sum);
            node["observed"] = Number(observed);
            node["decision"] = alert ? "alert" : "no_alert";
            node["alert"] = alert;
            context.Summary.Append(CultureInfo.InvariantCulture,
                $"{metric.Name}: n={n} observed={observed:R} baseline={metric.Baseline:R} {node["condition"]} delta={metric.Delta?.ToString("R", CultureInfo.InvariantCulture) ?? "none"} {(alert ? "ALERT" : "ok")}; ");
            if (alert) context.Findings.Add(Finding(new AlertKey(metric.Name, kind, null), AlertSeverities.Warning, metric.Name, node));
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
    /// health of the window: records that finished evaluating in it (done / failed) and records still
    /// pending whose record time is older than two leases. A failure share above
    /// <see cref="EvaluationOptions.FailureRate"/> or any such stuck record raises <c>evaluation_failures</c>.
    /// </summary>
    private async Task<JsonObject> LlmAsync(LlmDriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, EvalContext context, CancellationToken ct)
    {
        var metrics = await MetricsAsync([.. profile.Metrics, .. profile.Assertions], "llm_scores", AlertKinds.Llm, uid, from, to, context, ct);
        long done = 0, failed = 0;
        var stuckBefore = to - 2 * evaluation.Lease;
        if (Window(from, to) is { } window)
        {
            var finishedCounts = await records.LlmStatusCountsAsync(uid, window, LlmStatusAxis.Evaluated, ct);
            done = finishedCounts.GetValueOrDefault("done");
            failed = finishedCounts.GetValueOrDefault("failed");
        }
        // Stuck records are counted from the records themselves: a pending record removed by retention must not count.
        var stuck = await records.LlmPendingCountAsync(uid, stuckBefore, ct);
        var finished = done + failed;
        var failureRate = finished == 0 ? 0 : (double)failed / finished;
        var alert = failureRate > evaluation.FailureRate || stuck > 0;
        var node = new JsonObject
        {
            ["done"] = done,
            ["failed"] = failed,
            ["failure_rate"] = failureRate,
            ["max_failure_rate"] = evaluation.FailureRate,
            ["stuck_pending"] = stuck,
            ["stuck_before"] = Format(stuckBefore),
            ["decision"] = alert ? "alert" : "no_alert",
            ["alert"] = alert,
        };
        context.Evaluated.Add(EvaluationSubject);
        context.Summary.Append(CultureInfo.InvariantCulture,
            $"{EvaluationSubject}: done={done} failed={failed} stuck_pending={stuck} {(alert ? "ALERT" : "ok")}; ");
        if (alert) context.Findings.Add(Finding(new AlertKey(EvaluationSubject, AlertKinds.EvaluationFailures, null), AlertSeverities.Critical, EvaluationSubject, node));
        context.Sections[EvaluationSubject] = node;
        return metrics;
    }

    private static void NoData(JsonObject node, EvalContext context, string name)
    {
        node["status"] = "no_data";
        node["decision"] = "not_evaluated";
        node["n"] = 0;
        context.Summary.Append(CultureInfo.InvariantCulture, $"{name}: no_data; ");
    }

    private static AlertFinding Finding(AlertKey key, string severity, string subject, JsonObject node)
    {
        var payload = (JsonObject)node.DeepClone();
        payload["subject"] = subject;
        return new AlertFinding(key, severity, payload.ToJsonString());
    }

    /// <summary>The check window as one bucket; null when it holds no microsecond (nothing can be in it).</summary>
    private static TimeWindow? Window(DateTimeOffset from, DateTimeOffset to) =>
        DbTime.Normalize(to) > DbTime.Normalize(from) ? new TimeWindow(from, to) : null;

    /// <summary>JSON cannot hold infinities (a one-bin feature's statistical threshold): those become null.</summary>
    private static JsonValue? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

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
