using System.Collections.ObjectModel;

namespace Scouter.Data;

/// <summary>A column of category strings; null, empty and whitespace-only strings are missing values.</summary>
public sealed class CategoricalColumn : Column
{
    private readonly string?[] _values;
    private readonly ReadOnlyCollection<string?> _view;

    internal CategoricalColumn(string name, string?[] values)
        : base(name, values.Length)
    {
        _values = values;
        _view = Array.AsReadOnly(values);
    }

    /// <inheritdoc />
    public override FeatureKind Kind => FeatureKind.Categorical;

    /// <summary>The values, one per row (null or blank where missing).</summary>
    public IReadOnlyList<string?> Values => _view;

    /// <summary>The values as a span, for allocation-free iteration.</summary>
    public ReadOnlySpan<string?> AsSpan() => _values;

    /// <summary>The values as memory, for use across <c>await</c> or in parallel work.</summary>
    public ReadOnlyMemory<string?> AsMemory() => _values;
}
