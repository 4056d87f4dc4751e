using Scouter.Drift;
using Scouter.Server.Alerts;
using Scouter.Server.Storage;

namespace Scouter.Server.Jobs;

/// <summary>
/// One feature's SPC check over its window samples, fed one at a time in time order, with memory
/// that does not grow with the window: the rules run on a <see cref="SpcRuleScanner{T}"/> and the
/// result is a summary — sample count, first/last sample times, the last
/// <see cref="LastSampleCount"/> samples and, per fired (kind, zone), the number of runs and the
/// first and last run — never per-sample arrays, so check rows, alert payloads and webhooks stay
/// small whatever the window holds.
/// </summary>
internal sealed class SpcFeatureScan
{
    /// <summary>How many of the newest samples the summary shows.</summary>
    public const int LastSampleCount = 10;

    private readonly SpcRuleScanner<DateTimeOffset> _scanner;
    private readonly SpcRuleScanner<DateTimeOffset> _decision;
    private readonly Queue<(DateTimeOffset At, double Mean, int Code)> _last = new(LastSampleCount + 1);
    private readonly List<RuleRuns> _runs = [];
    private readonly List<RuleRuns> _decisionRuns = [];

    private SpcFeatureScan(SpcFeatureProfile limits, SpcAlertConfig config, SpcCalibration calibration)
    {
        _scanner = new SpcRuleScanner<DateTimeOffset>(limits.Center, limits.Sigma, SpcRule.Parse(config.Rule), config.ZonesToMonitor, config.TrendLength);
        _decision = new SpcRuleScanner<DateTimeOffset>(limits.Center, limits.Sigma, calibration.Rule, config.ZonesToMonitor, calibration.TrendLength);
        Calibration = calibration;
    }

    /// <summary>The calibrated rules of the alert decision (docs/spc-alerts.md).</summary>
    public SpcCalibration Calibration { get; }

    /// <summary>Samples read.</summary>
    public long Count { get; private set; }

    /// <summary>Time of the first sample, if any.</summary>
    public DateTimeOffset? First { get; private set; }

    /// <summary>The fired rules as configured (raw rule hits), zone by zone (consecutive/out-of-bounds before alternating), trend last.</summary>
    public IEnumerable<RuleRuns> Runs => Ordered(_runs);

    /// <summary>The fired calibrated rules: what the alert decision opens alerts for.</summary>
    public IEnumerable<RuleRuns> DecisionRuns => Ordered(_decisionRuns);

    private static IEnumerable<RuleRuns> Ordered(List<RuleRuns> runs) => runs.OrderBy(r => r.Zone ?? 5).ThenBy(r => r.Kind == SpcAlertKind.Alternating ? 1 : 0);

    /// <summary>
    /// Scans each of the profile's features over <paramref name="samples"/> (ordered by time); samples of
    /// other features are skipped.
    /// </summary>
    public static async Task<Dictionary<string, SpcFeatureScan>> ReadAsync(IAsyncEnumerable<SpcSampleRow> samples, SpcDriftProfile profile, Func<string, SpcCalibration> calibration,
        CancellationToken cancellationToken)
    {
        var scans = profile.Features.ToDictionary(f => f.Key, f => new SpcFeatureScan(f.Value, profile.Config.AlertConfig, calibration(f.Key)), StringComparer.Ordinal);
        await foreach (var sample in samples.WithCancellation(cancellationToken))
        {
            if (scans.TryGetValue(sample.Feature, out var scan)) scan.Add(sample.CreatedAt, sample.Mean);
        }
        return scans;
    }

    /// <summary>Adds the next sample (not older than the previous one).</summary>
    public void Add(DateTimeOffset at, double mean)
    {
        var code = _scanner.Add(mean, at);
        Count++;
        if (_last.Count == LastSampleCount) _last.Dequeue();
        _last.Enqueue((at, mean, code));
        First ??= at;
        Collect(_scanner, _runs);
        _decision.Add(mean, at);
        Collect(_decision, _decisionRuns);
    }

    private static void Collect(SpcRuleScanner<DateTimeOffset> scanner, List<RuleRuns> runs)
    {
        foreach (var hit in scanner.Hits)
        {
            var found = runs.Find(r => r.Kind == hit.Kind && r.Zone == hit.Zone);
            if (found is null) runs.Add(found = new RuleRuns(hit.Zone, hit.Kind, hit.Start, hit.End));
            found.Add(hit.Start, hit.End);
        }
    }

    /// <summary>
    /// The feature's result: its limits and alert settings, the summary — <c>n</c>, <c>first_sample_at</c>,
    /// <c>last_sample_at</c>, <c>last_samples</c>, <c>rule_alerts</c> (the rules as configured) — and the alert
    /// decision's inputs: <c>calibration</c> and <c>decision_alerts</c> (the calibrated rules that fired).
    /// </summary>
    public SpcEvaluated ToResult(SpcFeatureProfile limits, SpcAlertConfig config, bool alert) => new()
    {
        Center = limits.Center,
        Sigma = limits.Sigma,
        Rule = config.Rule,
        ZonesToMonitor = config.ZonesToMonitor,
        TrendLength = config.TrendLength,
        N = Count,
        FirstSampleAt = First is { } first ? DriftCheckEngine.Format(first) : null,
        LastSampleAt = _last.Count > 0 ? DriftCheckEngine.Format(_last.Last().At) : null,
        LastSamples = [.. _last.Select(s => new SpcSampleResult(DriftCheckEngine.Format(s.At), s.Mean, s.Code))],
        RuleAlerts = [.. Runs.Select(r => r.ToResult())],
        Calibration = new SpcCalibrationResult(Calibration.FalseAlarmRate, Calibration.Samples, Calibration.Rule.ToString(), Calibration.TrendLength, Calibration.Bound),
        DecisionAlerts = [.. DecisionRuns.Select(r => r.ToResult())],
        Decision = DriftCheckResults.Decision(alert),
        Alert = alert,
    };

    /// <summary>The runs of one fired rule: how many, the first and the last (each its first <c>length</c> samples).</summary>
    internal sealed class RuleRuns(int? zone, SpcAlertKind kind, DateTimeOffset firstStart, DateTimeOffset firstEnd)
    {
        public int? Zone { get; } = zone;
        public SpcAlertKind Kind { get; } = kind;
        public long Count { get; private set; }
        public DateTimeOffset LastStart { get; private set; }
        public DateTimeOffset LastEnd { get; private set; }

        public void Add(DateTimeOffset start, DateTimeOffset end)
        {
            Count++;
            (LastStart, LastEnd) = (start, end);
        }

        public SpcRuleRunsResult ToResult() => new(AlertKinds.Of(Kind), Zone, Count, Run(firstStart, firstEnd), Run(LastStart, LastEnd));

        private static SpcRunResult Run(DateTimeOffset start, DateTimeOffset end) => new(DriftCheckEngine.Format(start), DriftCheckEngine.Format(end));
    }
}
