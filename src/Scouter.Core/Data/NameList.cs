using System.Globalization;

namespace Scouter.Data;

/// <summary>Formats a list of column names for error messages, so a wide table does not flood the message.</summary>
internal static class NameList
{
    private const int MaxShown = 20;

    public static string Describe(IEnumerable<string> names)
    {
        var all = names as IReadOnlyCollection<string> ?? [.. names];
        if (all.Count == 0) return "(none)";
        var shown = string.Join(", ", all.Take(MaxShown).Select(n => $"'{n}'"));
        return all.Count <= MaxShown ? shown : string.Create(CultureInfo.InvariantCulture, $"{shown}, ... ({all.Count - MaxShown} more)");
    }
}
