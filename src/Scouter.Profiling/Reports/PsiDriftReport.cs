namespace Scouter;

/// <summary>PSI of one feature and the alert decision, with the inputs that led to it.</summary>
/// <param name="Psi">The PSI (0 when there was no observed data).</param>
/// <param name="Threshold">The effective threshold: max(statistical threshold, min_psi); min_psi alone when the statistical one is infinite (one-bin features).</param>
/// <param name="StatisticalThreshold">The fixed/normal/chi-square threshold before the floor.</param>
/// <param name="Alert">PSI &gt; threshold with enough data.</param>
/// <param name="Severity">Set when <paramref name="Alert"/>.</param>
/// <param name="N">Observed values, missing included.</param>
/// <param name="Bins">B, the value bins of the feature.</param>
/// <param name="Status">Whether N reached 10·B.</param>
/// <param name="ObservedCounts">Counts laid out as <c>[missing, unseen (categorical), bin 1..B]</c>.</param>
public sealed record PsiFeatureDrift(double Psi, double Threshold, double StatisticalThreshold, bool Alert, AlertSeverity? Severity, long N, int Bins, DriftStatus Status, IReadOnlyList<long> ObservedCounts);

/// <summary>Per-feature PSI results, in profile feature order.</summary>
/// <param name="Features">Feature name → result.</param>
public sealed record PsiDriftReport(IReadOnlyDictionary<string, PsiFeatureDrift> Features);
