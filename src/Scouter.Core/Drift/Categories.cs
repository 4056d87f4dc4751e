namespace Scouter.Drift;

/// <summary>The value bins of a categorical feature (spec/drift-math.md 1.1 step 3).</summary>
public static class Categories
{
    /// <summary>The bin that collects the least frequent categories beyond <c>max_categories</c>.</summary>
    public const string Other = "__other__";

    /// <summary>
    /// The category bins in id order (1..k). With at most <paramref name="maxCategories"/> distinct
    /// categories: all of them in ordinal order. Otherwise the <c>maxCategories - 1</c> most
    /// frequent (ties broken by ordinal order) in ordinal order, then <see cref="Other"/> last.
    /// </summary>
    /// <param name="counts">Count per present category (missing values excluded).</param>
    /// <param name="maxCategories">Most bins to keep, including <see cref="Other"/>; at least 2.</param>
    public static IReadOnlyList<string> Sorted(IReadOnlyDictionary<string, long> counts, int maxCategories)
    {
        ArgumentNullException.ThrowIfNull(counts);
        Guard.AtLeast("max_categories", maxCategories, 2);

        if (counts.Count <= maxCategories)
        {
            var all = counts.Keys.ToArray();
            Array.Sort(all, StringComparer.Ordinal);
            return all;
        }

        // A real category spelled "__other__" cannot keep its own bin: it would share the name of
        // the fold bin, so it is folded too.
        var kept = counts
            .Where(c => c.Key != Other)
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(maxCategories - 1)
            .Select(c => c.Key)
            .Order(StringComparer.Ordinal)
            .Append(Other)
            .ToArray();
        return kept;
    }
}
