using System.Globalization;

namespace Scouter;

/// <summary>Field validation shared by configs and profiles; every failure names the field.</summary>
internal static class Guard
{
    public static string Name(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ScouterConfigException(field, value, "must be a non-empty name");
        if (value.Trim().Length != value.Length)
            throw new ScouterConfigException(field, value, "must not start or end with whitespace");
        return value;
    }

    public static int AtLeast(string field, int value, int min) =>
        value >= min ? value : throw new ScouterConfigException(field, value, string.Create(CultureInfo.InvariantCulture, $"must be >= {min}"));

    public static double Finite(string field, double value) =>
        double.IsFinite(value) ? value : throw new ScouterConfigException(field, value, "must be a finite number");

    public static double NonNegative(string field, double value) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ScouterConfigException(field, value, "must be a finite number >= 0");

    public static double OpenUnit(string field, double value) =>
        value > 0 && value < 1 ? value : throw new ScouterConfigException(field, value, "must be strictly between 0 and 1");

    public static IReadOnlyList<string> DistinctNames(string field, IReadOnlyList<string>? names)
    {
        if (names is null) return [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            Name(string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]"), names[i]);
            if (!seen.Add(names[i]))
                throw new ScouterConfigException(field, names[i], "duplicate name");
        }
        return names;
    }

    public static T NotNull<T>(string field, [System.Diagnostics.CodeAnalysis.NotNull] T? value) where T : class =>
        value ?? throw new ScouterConfigException(field, null, "is required");
}
