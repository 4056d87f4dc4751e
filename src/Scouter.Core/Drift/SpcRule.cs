using System.Globalization;

namespace Scouter.Drift;

/// <summary>
/// The SPC rule set "c1 a1 c2 a2 c3 a3 c4 a4" (spec/drift-math.md 2.3): per zone k, <c>ck</c>
/// consecutive samples at or beyond zone k on one side alert (0 disables), and <c>ak</c>
/// consecutive samples at or beyond zone k with alternating signs alert (below 2 disables).
/// </summary>
public sealed record SpcRule
{
    /// <summary>The default rule text.</summary>
    public const string DefaultText = "8 16 4 8 2 4 1 1";

    private readonly int[] _counts;

    private SpcRule(int[] counts) => _counts = counts;

    /// <summary>The default rule, "8 16 4 8 2 4 1 1".</summary>
    public static SpcRule Default { get; } = Parse(DefaultText);

    /// <summary>
    /// Parses exactly eight non-negative integers separated by single spaces.
    /// </summary>
    /// <exception cref="ScouterConfigException">Anything else (field <c>rule</c>).</exception>
    public static SpcRule Parse(string text)
    {
        if (text is null) throw new ScouterConfigException("rule", null, "is required");
        var parts = text.Split(' ');
        if (parts.Length != 8)
            throw new ScouterConfigException("rule", text, "expected 8 non-negative integers separated by single spaces, \"c1 a1 c2 a2 c3 a3 c4 a4\"");
        var counts = new int[8];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            // Digits only: int.Parse would also take signs, whitespace and (with styles) more.
            if (part.Length == 0 || !part.All(char.IsAsciiDigit))
                throw new ScouterConfigException("rule", text,
                    string.Create(CultureInfo.InvariantCulture, $"item {i + 1} ('{part}') is not a non-negative integer; expected 8 separated by single spaces"));
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]))
                throw new ScouterConfigException("rule", text,
                    string.Create(CultureInfo.InvariantCulture, $"item {i + 1} ('{part}') is too large"));
        }
        return new SpcRule(counts);
    }

    /// <summary>The rule with the given consecutive and alternating lengths per zone (index 0 is zone 1), e.g. lengths calibrated to a window.</summary>
    public static SpcRule Of(IReadOnlyList<int> consecutive, IReadOnlyList<int> alternating)
    {
        ArgumentNullException.ThrowIfNull(consecutive);
        ArgumentNullException.ThrowIfNull(alternating);
        if (consecutive.Count != 4 || alternating.Count != 4) throw new ArgumentException("One length per zone 1-4 is required.", nameof(consecutive));
        var counts = new int[8];
        for (var zone = 0; zone < 4; zone++)
        {
            counts[2 * zone] = consecutive[zone] >= 0 ? consecutive[zone] : throw new ArgumentOutOfRangeException(nameof(consecutive), consecutive[zone], "Lengths are non-negative.");
            counts[(2 * zone) + 1] = alternating[zone] >= 0 ? alternating[zone] : throw new ArgumentOutOfRangeException(nameof(alternating), alternating[zone], "Lengths are non-negative.");
        }
        return new SpcRule(counts);
    }

    /// <summary>Consecutive-run length for <paramref name="zone"/> (1-4); 0 disables the check.</summary>
    public int Consecutive(int zone) => _counts[2 * (ValidZone(zone) - 1)];

    /// <summary>Alternating-run length for <paramref name="zone"/> (1-4); values below 2 disable the check.</summary>
    public int Alternating(int zone) => _counts[(2 * (ValidZone(zone) - 1)) + 1];

    /// <inheritdoc />
    public bool Equals(SpcRule? other) => other is not null && _counts.AsSpan().SequenceEqual(other._counts);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var c in _counts) hash.Add(c);
        return hash.ToHashCode();
    }

    /// <summary>The canonical rule text, e.g. "8 16 4 8 2 4 1 1".</summary>
    public override string ToString() => string.Join(' ', _counts.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    private static int ValidZone(int zone) =>
        zone is >= 1 and <= 4 ? zone : throw new ArgumentOutOfRangeException(nameof(zone), zone, "Zones are 1 to 4.");
}
