using System.Globalization;

namespace Scouter.Data;

/// <summary>
/// The category key of a number in a column read as categorical: the invariant shortest round-trip
/// form (<c>"3"</c>, <c>"2.5"</c>), the same as <see cref="Feature.CategoryKey"/>. Each distinct value is
/// formatted once (keyed by its bits, so 0 and -0 keep their own keys); see <see cref="StringInterner"/>
/// for the bound.
/// </summary>
internal sealed class NumberCategoryKeys
{
    private readonly Dictionary<long, string> _keys = [];

    /// <summary>The key of <paramref name="value"/>, or null when it is missing (NaN, ±infinity).</summary>
    public string? KeyOf(double value)
    {
        if (!double.IsFinite(value)) return null;
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (_keys.TryGetValue(bits, out var key)) return key;
        key = value.ToString("R", CultureInfo.InvariantCulture);
        if (_keys.Count < StringInterner.MaxEntries) _keys.Add(bits, key);
        return key;
    }
}
