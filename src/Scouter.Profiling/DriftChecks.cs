using Scouter.Drift;
using Scouter.Profiling;

namespace Scouter;

/// <summary>
/// Drift decisions from already-aggregated data (what the server holds: summed bin counts, stored
/// sample means). The same math as <see cref="Drifter.ComputeDrift(PsiDriftProfile, Data.ColumnTable, IProgress{FeatureProgress}?, CancellationToken)"/>.
/// </summary>
public static class DriftChecks
{
    /// <summary>
    /// PSI of one feature from bin id → count (0 = missing, -1 = unseen, 1..B value bins) with the
    /// threshold decision of spec/drift-math.md 1.4.
    /// </summary>
    /// <exception cref="ArgumentException">A bin id the feature does not have, or a negative count.</exception>
    public static PsiFeatureDrift EvaluatePsi(PsiFeatureProfile feature, IReadOnlyDictionary<int, long> binCounts, PsiThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(feature);
        ArgumentNullException.ThrowIfNull(binCounts);
        ArgumentNullException.ThrowIfNull(threshold);
        var categorical = feature.Kind == FeatureKind.Categorical;
        var offset = categorical ? 2 : 1;
        var counts = new long[feature.BinCount + offset];
        foreach (var (bin, count) in binCounts)
        {
            if (count < 0) throw new ArgumentException($"Bin {bin} has a negative count ({count}).", nameof(binCounts));
            var slot = bin switch
            {
                PsiFeatureProfile.MissingBin => 0,
                PsiFeatureProfile.UnseenBin when categorical => 1,
                > 0 when bin <= feature.BinCount => bin + offset - 1,
                _ => throw new ArgumentException($"Bin id {bin} does not exist for this feature (valid: {(categorical ? "-1, " : string.Empty)}0..{feature.BinCount}).", nameof(binCounts)),
            };
            counts[slot] += count;
        }
        return PsiEvaluator.Evaluate(feature, counts, threshold);
    }

    /// <summary>
    /// Zone codes and rule alerts of stored SPC sample means (oldest first) against the profile's
    /// feature, and the alert decision calibrated to the number of means (false-alarm probability at
    /// most <paramref name="falseAlarmRate"/> for in-distribution data).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The profile has no such feature.</exception>
    public static SpcFeatureDrift EvaluateSpc(SpcDriftProfile profile, string feature, IReadOnlyList<double> sampleMeans, double falseAlarmRate = SpcAlertCalibration.DefaultFalseAlarmRate)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(sampleMeans);
        var limits = profile.Features[feature];
        var alerts = profile.Config.AlertConfig;
        double[] means = [.. sampleMeans];
        var result = SpcRuleEngine.Evaluate(means, limits.Center, limits.Sigma, alerts.ParsedRule, alerts.ZonesToMonitor, alerts.TrendLength);
        if (means.Length == 0) return new SpcFeatureDrift(means, result.Codes, result.Alerts);
        var calibration = SpcAlertCalibration.For(profile, means.Length, falseAlarmRate);
        var decision = SpcRuleEngine.Evaluate(means, limits.Center, limits.Sigma, calibration.Rule, alerts.ZonesToMonitor, calibration.TrendLength);
        return new SpcFeatureDrift(means, result.Codes, result.Alerts, decision.Alerts.Count > 0, calibration);
    }
}
