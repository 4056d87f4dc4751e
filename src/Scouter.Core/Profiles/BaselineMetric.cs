namespace Scouter;

/// <summary>
/// A named metric with a baseline and an alert condition (spec/drift-math.md 3), shared by custom
/// and LLM metrics.
/// </summary>
public abstract class BaselineMetric
{
    private protected BaselineMetric(string name, double baseline, AlertThreshold condition, double? delta)
        : this("metrics", name, baseline, condition, delta)
    {
    }

    /// <summary>Validates naming fields <c>{section}.{name}.…</c> (<c>metrics</c> or <c>assertions</c>).</summary>
    private protected BaselineMetric(string section, string name, double baseline, AlertThreshold condition, double? delta)
    {
        Name = Guard.Name($"{section}.name", name);
        Baseline = Guard.Finite($"{section}.{name}.baseline", baseline);
        Condition = Enum.IsDefined(condition) ? condition : throw new ScouterConfigException($"{section}.{name}.condition", condition, "unknown condition");
        Delta = delta is { } d ? Guard.NonNegative($"{section}.{name}.delta", d) : null;
    }

    /// <summary>Metric name (non-empty, case-sensitive).</summary>
    public string Name { get; }

    /// <summary>Expected value.</summary>
    public double Baseline { get; }

    /// <summary>When to alert (default <see cref="AlertThreshold.Below"/>).</summary>
    public AlertThreshold Condition { get; }

    /// <summary>Tolerance band (>= 0); null means any deviation in the condition's direction alerts.</summary>
    public double? Delta { get; }

    /// <summary>Whether an observed value of <paramref name="observed"/> breaks the condition.</summary>
    public bool IsAlert(double observed) => Drift.CustomConditions.IsAlert(Condition, Baseline, Delta, observed);
}
