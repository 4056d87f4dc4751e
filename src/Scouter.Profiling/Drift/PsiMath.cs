using MathNet.Numerics.Distributions;

namespace Scouter.Drift;

/// <summary>The Population Stability Index and its alert thresholds (spec/drift-math.md 1.3-1.4).</summary>
internal static class PsiMath
{
    /// <summary>Smoothing added to both proportions inside the logarithm, so empty bins stay finite.</summary>
    public const double Epsilon = 1e-10;

    /// <summary>PSI at or above which an alert is critical rather than a warning.</summary>
    public const double CriticalPsi = 0.25;

    /// <summary>Observations required per value bin before a feature is evaluated.</summary>
    public const int MinimumObservationsPerBin = 10;

    /// <summary>
    /// <c>Σ (p_i - q_i)·ln((p_i + ε)/(q_i + ε))</c> over bins with baseline proportions
    /// <paramref name="baseline"/> and observed proportions <paramref name="observed"/>.
    /// </summary>
    /// <param name="baseline">Baseline proportions, one per bin (including missing/unseen).</param>
    /// <param name="observed">Observed proportions in the same bin order.</param>
    public static double Psi(ReadOnlySpan<double> baseline, ReadOnlySpan<double> observed)
    {
        if (baseline.Length != observed.Length)
            throw new ArgumentException("baseline and observed must have one proportion per bin.", nameof(observed));
        var psi = 0.0;
        for (var i = 0; i < baseline.Length; i++) psi += Term(baseline[i], observed[i]);
        return psi;
    }

    /// <summary>PSI against observed counts; <c>q_i = count_i / N</c> with <c>N</c> the sum of all counts.</summary>
    /// <param name="baselineProportions">Baseline proportions, one per bin (including missing/unseen).</param>
    /// <param name="observedCounts">Observed counts in the same bin order; at least one must be positive.</param>
    public static double Psi(ReadOnlySpan<double> baselineProportions, ReadOnlySpan<long> observedCounts)
    {
        if (baselineProportions.Length != observedCounts.Length)
            throw new ArgumentException("baselineProportions and observedCounts must have one entry per bin.", nameof(observedCounts));
        long total = 0;
        foreach (var count in observedCounts)
        {
            if (count < 0) throw new ArgumentException("Observed counts must be non-negative.", nameof(observedCounts));
            total = checked(total + count);
        }
        if (total == 0) throw new ArgumentException("PSI needs at least one observation.", nameof(observedCounts));

        var psi = 0.0;
        for (var i = 0; i < observedCounts.Length; i++) psi += Term(baselineProportions[i], (double)observedCounts[i] / total);
        return psi;
    }

    private static double Term(double p, double q) => (p - q) * Math.Log((p + Epsilon) / (q + Epsilon));

    // The quantiles depend on B and α only; a drift query evaluates every bucket of every feature
    // (36 000 for 50 features over 720 buckets), and the chi-square quantile is a root search.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(PsiThresholdKind Kind, int Bins, double Alpha), double> Quantiles = new();

    /// <summary>
    /// The threshold of spec 1.4 before the <c>min_psi</c> floor: <paramref name="fixedThreshold"/>
    /// for <see cref="PsiThresholdKind.Fixed"/>; <c>χ²_{1-α}(B-1)/N</c> for chi-square;
    /// <c>(B-1)/N + z_{1-α}·sqrt(2(B-1))/N</c> for normal. With one value bin the statistical
    /// kinds return +infinity.
    /// </summary>
    /// <param name="kind">Threshold kind.</param>
    /// <param name="fixedThreshold">Used by the fixed kind only.</param>
    /// <param name="alpha">Significance level in (0, 1); used by the statistical kinds.</param>
    /// <param name="valueBins">B: value bins of the feature, excluding the missing and unseen pseudo-bins (at least 1).</param>
    /// <param name="n">N: observed values of the feature (at least 1).</param>
    public static double StatisticalThreshold(PsiThresholdKind kind, double fixedThreshold, double alpha, int valueBins, long n)
    {
        if (kind == PsiThresholdKind.Fixed) return fixedThreshold;
        ArgumentOutOfRangeException.ThrowIfLessThan(valueBins, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1L);
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be strictly between 0 and 1.");
        if (valueBins == 1) return double.PositiveInfinity;

        double df = valueBins - 1;
        return kind switch
        {
            PsiThresholdKind.ChiSquare => Quantiles.GetOrAdd((kind, valueBins, alpha), static k => ChiSquared.InvCDF(k.Bins - 1, 1 - k.Alpha)) / n,
            PsiThresholdKind.Normal => (df / n) + (Quantiles.GetOrAdd((kind, valueBins, alpha), static k => Normal.InvCDF(0, 1, 1 - k.Alpha)) * Math.Sqrt(2 * df) / n),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown PSI threshold kind."),
        };
    }

    /// <summary>Whether <paramref name="n"/> observations suffice to evaluate a feature with <paramref name="valueBins"/> bins (<c>N &gt;= 10·B</c>).</summary>
    public static bool HasMinimumSample(int valueBins, long n) => n >= (long)MinimumObservationsPerBin * valueBins;

    /// <summary>The alert rule: <c>PSI &gt; max(threshold, minPsi)</c>.</summary>
    public static bool IsAlert(double psi, double threshold, double minPsi) => psi > Math.Max(threshold, minPsi);

    /// <summary>Severity of an alerting PSI: critical when <c>PSI &gt;= 0.25</c>, otherwise a warning.</summary>
    public static bool IsCritical(double psi) => psi >= CriticalPsi;
}
