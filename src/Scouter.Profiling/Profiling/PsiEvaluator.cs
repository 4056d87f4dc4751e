using Scouter.Drift;

namespace Scouter.Profiling;

/// <summary>The PSI alert decision of spec/drift-math.md 1.3-1.4 for one feature.</summary>
internal static class PsiEvaluator
{
    public static PsiFeatureDrift Evaluate(PsiFeatureProfile feature, long[] observedCounts, PsiThreshold threshold)
    {
        long n = 0;
        foreach (var c in observedCounts) n += c;
        var bins = feature.BinCount;
        var psi = n > 0 ? PsiMath.Psi(feature.BaselineWithPseudoBins(), observedCounts) : 0.0;
        var statistical = n > 0
            ? PsiMath.StatisticalThreshold(threshold.Kind, threshold.Value, threshold.Alpha, bins, n)
            : double.PositiveInfinity;
        // An infinite statistical threshold (one value bin, or no data) means only the effect-size
        // floor can decide, as spec 1.4 intends for one-bin features.
        var effective = double.IsFinite(statistical) ? Math.Max(statistical, threshold.MinPsi) : threshold.MinPsi;
        var status = PsiMath.HasMinimumSample(bins, n) ? DriftStatus.Ok : DriftStatus.InsufficientData;
        var alert = status == DriftStatus.Ok && psi > effective;
        AlertSeverity? severity = alert ? (PsiMath.IsCritical(psi) ? AlertSeverity.Critical : AlertSeverity.Warning) : null;
        return new PsiFeatureDrift(psi, effective, statistical, alert, severity, n, bins, status, observedCounts);
    }
}
