namespace Scouter;

/// <summary>
/// The PSI alert rule of spec/drift-math.md 1.4: a feature alerts iff
/// <c>PSI &gt; max(threshold, MinPsi)</c> and has at least 10 observations per bin.
/// </summary>
public sealed record PsiThreshold
{
    /// <summary>fixed, normal or chi_square (default).</summary>
    public PsiThresholdKind Kind { get; init; } = PsiThresholdKind.ChiSquare;

    /// <summary>Significance level of the statistical kinds, in (0, 1); default 0.05.</summary>
    public double Alpha
    {
        get;
        init => field = Guard.OpenUnit("alert_config.threshold.alpha", value);
    } = 0.05;

    /// <summary>PSI value of the <c>fixed</c> kind (default 0.25, finite and > 0).</summary>
    public double Value
    {
        get;
        init => field = double.IsFinite(value) && value > 0 ? value : throw new ScouterConfigException("alert_config.threshold.value", value, "must be a finite number > 0");
    } = 0.25;

    /// <summary>Effect-size floor (default 0.1; 0 restores the purely statistical rule).</summary>
    public double MinPsi
    {
        get;
        init => field = Guard.NonNegative("alert_config.threshold.min_psi", value);
    } = 0.1;

    /// <summary>A fixed PSI threshold.</summary>
    public static PsiThreshold Fixed(double value = 0.25, double minPsi = 0.1) => new() { Kind = PsiThresholdKind.Fixed, Value = value, MinPsi = minPsi };

    /// <summary>The normal-approximation threshold.</summary>
    public static PsiThreshold Normal(double alpha = 0.05, double minPsi = 0.1) => new() { Kind = PsiThresholdKind.Normal, Alpha = alpha, MinPsi = minPsi };

    /// <summary>The chi-square threshold (the default).</summary>
    public static PsiThreshold ChiSquare(double alpha = 0.05, double minPsi = 0.1) => new() { Kind = PsiThresholdKind.ChiSquare, Alpha = alpha, MinPsi = minPsi };
}
