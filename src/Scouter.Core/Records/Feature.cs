using System.Globalization;

namespace Scouter;

/// <summary>What a <see cref="Feature"/> value holds.</summary>
public enum FeatureValueKind : byte
{
    /// <summary>No value (null, NaN, ±infinity, or an empty/whitespace string).</summary>
    Missing,

    /// <summary>A number, stored as a double.</summary>
    Number,

    /// <summary>A category string.</summary>
    Text,
}

/// <summary>
/// One named feature value observed at inference time. Numbers (int, long, float, double, decimal)
/// are numeric; strings and booleans are categorical; null, NaN, ±infinity and blank strings are
/// missing (counted, never an error). A struct so building one does not allocate.
/// </summary>
public readonly record struct Feature
{
    private Feature(string name, FeatureValueKind kind, double number, string? text)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Kind = kind;
        Number = number;
        Text = text;
    }

    /// <summary>A numeric feature; NaN and ±infinity make it missing.</summary>
    public Feature(string name, double value)
        : this(name, double.IsFinite(value) ? FeatureValueKind.Number : FeatureValueKind.Missing, value, null) { }

    /// <summary>A numeric feature.</summary>
    public Feature(string name, float value) : this(name, (double)value) { }

    /// <summary>A numeric feature.</summary>
    public Feature(string name, int value) : this(name, FeatureValueKind.Number, value, null) { }

    /// <summary>A numeric feature.</summary>
    public Feature(string name, long value) : this(name, FeatureValueKind.Number, value, null) { }

    /// <summary>A numeric feature.</summary>
    public Feature(string name, decimal value) : this(name, FeatureValueKind.Number, (double)value, null) { }

    /// <summary>A categorical feature with category <c>"true"</c> or <c>"false"</c>.</summary>
    public Feature(string name, bool value) : this(name, FeatureValueKind.Text, double.NaN, value ? "true" : "false") { }

    /// <summary>A categorical feature; null or blank makes it missing.</summary>
    public Feature(string name, string? value)
        : this(name, string.IsNullOrWhiteSpace(value) ? FeatureValueKind.Missing : FeatureValueKind.Text, double.NaN, string.IsNullOrWhiteSpace(value) ? null : value) { }

    /// <summary>The feature name (case-sensitive).</summary>
    public string Name { get; }

    /// <summary>Whether the value is missing, a number or a category.</summary>
    public FeatureValueKind Kind { get; }

    /// <summary>The numeric value when <see cref="Kind"/> is <see cref="FeatureValueKind.Number"/>.</summary>
    public double Number { get; }

    /// <summary>The category when <see cref="Kind"/> is <see cref="FeatureValueKind.Text"/>.</summary>
    public string? Text { get; }

    /// <summary>
    /// How this value reads for a numeric profile feature — the one rule every aggregator follows:
    /// a number is itself; a text that parses as a number with the invariant culture (<c>"3.5"</c>,
    /// <c>"-1e3"</c>, surrounding white space allowed) is that number; a text spelling NaN or
    /// infinity (<c>"NaN"</c>, <c>"-inf"</c>) is missing, like the number it spells; any other text is
    /// not a number (<see cref="FeatureValueKind.Text"/>); a missing value is missing.
    /// </summary>
    /// <param name="number">The number when the result is <see cref="FeatureValueKind.Number"/>, else NaN.</param>
    /// <returns><see cref="FeatureValueKind.Number"/>, <see cref="FeatureValueKind.Missing"/> or <see cref="FeatureValueKind.Text"/> (not a number).</returns>
    public FeatureValueKind AsNumber(out double number)
    {
        switch (Kind)
        {
            case FeatureValueKind.Number:
                number = Number;
                return FeatureValueKind.Number;
            case FeatureValueKind.Text:
                return NumberFromText(Text, out number);
            default:
                number = double.NaN;
                return FeatureValueKind.Missing;
        }
    }

    /// <summary>
    /// <see cref="AsNumber"/> for a text value: <see cref="FeatureValueKind.Number"/>,
    /// <see cref="FeatureValueKind.Missing"/> (null, blank, a NaN or infinity spelling) or
    /// <see cref="FeatureValueKind.Text"/> (not a number).
    /// </summary>
    public static FeatureValueKind NumberFromText(string? text, out double number)
    {
        if (!Data.NumberText.TryParse(text, out number)) return FeatureValueKind.Text;
        return double.IsNaN(number) ? FeatureValueKind.Missing : FeatureValueKind.Number;
    }

    /// <summary>A missing value for <paramref name="name"/>.</summary>
    public static Feature Missing(string name) => new(name, FeatureValueKind.Missing, double.NaN, null);

    /// <summary>
    /// The category key of this value: the text, or for numbers the invariant shortest
    /// round-trip form (<c>"3"</c>, <c>"2.5"</c>); null when missing.
    /// </summary>
    public string? CategoryKey => Kind switch
    {
        FeatureValueKind.Text => Text,
        FeatureValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>
    /// Converts a boxed value (double, float, int, long, short, byte, decimal, bool, string, enum or
    /// null) into a feature; any other type throws naming the feature and the type.
    /// </summary>
    public static Feature FromObject(string name, object? value) => value switch
    {
        null => Missing(name),
        double d => new Feature(name, d),
        float f => new Feature(name, f),
        int i => new Feature(name, i),
        long l => new Feature(name, l),
        short s => new Feature(name, (int)s),
        byte b => new Feature(name, (int)b),
        uint u => new Feature(name, (long)u),
        decimal m => new Feature(name, m),
        bool b => new Feature(name, b),
        string s => new Feature(name, s),
        Enum e => new Feature(name, e.ToString()),
        _ => throw new ArgumentException(
            $"Feature '{name}' has a value of type {value.GetType().Name}; expected a number, bool, string, enum or null.", nameof(value)),
    };
}
