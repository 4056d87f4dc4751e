namespace Scouter.Drift;

/// <summary>The alert conditions of custom and LLM metrics (spec/drift-math.md 3).</summary>
internal static class CustomConditions
{
    /// <summary>
    /// Whether <paramref name="observed"/> alerts against <paramref name="baseline"/>: above →
    /// <c>x &gt; baseline + d</c>; below → <c>x &lt; baseline - d</c>; outside → beyond
    /// <c>baseline ± d</c>. Without a delta, above/below compare with the baseline itself and
    /// outside means <c>x != baseline</c>.
    /// </summary>
    /// <param name="condition">The metric's condition.</param>
    /// <param name="baseline">The metric's baseline.</param>
    /// <param name="delta">Tolerance (at least 0), or null for none.</param>
    /// <param name="observed">The observed window value.</param>
    public static bool IsAlert(AlertThreshold condition, double baseline, double? delta, double observed)
    {
        if (delta is { } d && !(d >= 0)) throw new ArgumentOutOfRangeException(nameof(delta), d, "delta must be >= 0.");
        return condition switch
        {
            AlertThreshold.Above => observed > baseline + (delta ?? 0),
            AlertThreshold.Below => observed < baseline - (delta ?? 0),
            // Without a delta "outside" means "different", which is not the same as a delta of 0 for NaN.
            AlertThreshold.Outside => delta is { } band
                ? observed < baseline - band || observed > baseline + band
                : observed != baseline,
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "Unknown alert condition."),
        };
    }
}
