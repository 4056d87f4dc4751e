namespace Scouter.Data;

/// <summary>
/// One named column of a <see cref="ColumnTable"/>: either a <see cref="NumericColumn"/> (doubles) or a
/// <see cref="CategoricalColumn"/> (strings). Missing values follow the drift spec: NaN and ±infinity
/// for numbers, null or blank for strings.
/// </summary>
public abstract class Column
{
    private protected Column(string name, int length)
    {
        Name = name;
        Length = length;
    }

    /// <summary>The column (feature) name, matched case-sensitively.</summary>
    public string Name { get; }

    /// <summary>Whether the values are numbers or categories.</summary>
    public abstract FeatureKind Kind { get; }

    /// <summary>The number of rows.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"{Name} ({Kind}, {Length} rows)");
}
