namespace Scouter.Data;

/// <summary>A column of doubles; NaN and ±infinity are missing values.</summary>
public sealed class NumericColumn : Column
{
    private readonly double[] _values;

    internal NumericColumn(string name, double[] values)
        : base(name, values.Length)
    {
        _values = values;
    }

    /// <inheritdoc />
    public override FeatureKind Kind => FeatureKind.Numeric;

    /// <summary>The values, one per row (NaN or ±infinity where missing).</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The values as memory, for use across <c>await</c> or in parallel work.</summary>
    public ReadOnlyMemory<double> AsMemory() => _values;
}
