using System.Globalization;

namespace Scouter.Data;

/// <summary>
/// Parses CSV cells as numbers. A cell "is a number" when it parses as a double with the invariant
/// culture (<see cref="NumberStyles.Float"/>: optional sign, decimal point, exponent, surrounding
/// whitespace) or is a missing marker. Missing markers are empty/whitespace cells and the spellings
/// of NaN and infinity: <c>NaN</c>, <c>Infinity</c>, <c>inf</c>, <c>∞</c>, each with an optional sign and
/// in any letter case (<c>nan</c>, <c>-inf</c>, <c>+Infinity</c>). They are numbers that are missing
/// (spec: NaN and ±infinity are missing), so they never turn a numeric column categorical. Values that
/// overflow a double (<c>1e999</c>) become infinity and are therefore missing too.
/// </summary>
internal static class NumberText
{
    /// <summary>
    /// True when <paramref name="cell"/> is a number or a missing marker; <paramref name="value"/> is the
    /// number, or NaN for every missing marker (±infinity included).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> cell, out double value)
    {
        var text = cell.Trim();
        if (text.IsEmpty)
        {
            value = double.NaN;
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            // Also covers "NaN" and "Infinity" in any case and sign, which .NET parses itself.
            if (!double.IsFinite(value)) value = double.NaN;
            return true;
        }
        value = double.NaN;
        return IsInfinity(text);
    }

    private static bool IsInfinity(ReadOnlySpan<char> text)
    {
        if (text[0] is '+' or '-') text = text[1..];
        return text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("∞");
    }
}
