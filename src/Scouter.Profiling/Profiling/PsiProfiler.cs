using System.Globalization;
using Scouter.Data;
using Scouter.Drift;

namespace Scouter.Profiling;

/// <summary>Baseline bins of one feature, and observed bin counts against them.</summary>
internal static class PsiProfiler
{
    public static PsiFeatureProfile Profile(Column column, bool forceCategorical, BinningStrategy binning, int maxCategories) => column switch
    {
        NumericColumn numeric when !forceCategorical => ProfileNumeric(numeric, binning),
        NumericColumn numeric => ProfileCategories(numeric.Name, numeric.Length, CountNumericCategories(numeric), maxCategories),
        CategoricalColumn text => ProfileCategories(text.Name, text.Length, CountCategories(text), maxCategories),
        _ => throw new ScouterDataException("unsupported column type", column: column.Name),
    };

    private static PsiFeatureProfile ProfileNumeric(NumericColumn column, BinningStrategy binning)
    {
        var values = column.Values;
        using var scratch = new Drifter.Scratch(values.Length);
        var buffer = scratch.Span;
        var present = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v)) buffer[present++] = v;
        }
        if (present == 0) throw NoPresentValues(column.Name, values.Length);

        var edges = Binning.ComputeEdges(buffer[..present], binning, column.Name);
        var counts = new long[edges.Length + 2];
        Binning.CountBins(values, edges, counts);
        var total = (double)values.Length;
        var proportions = new double[edges.Length + 1];
        for (var i = 0; i < proportions.Length; i++) proportions[i] = counts[i + 1] / total;
        return new PsiFeatureProfile(FeatureKind.Numeric, edges, null, proportions, counts[0] / total, values.Length, counts[0]);
    }

    private static (Dictionary<string, long> Counts, long Missing) CountCategories(CategoricalColumn column)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long missing = 0;
        foreach (var value in column.Values)
        {
            if (string.IsNullOrWhiteSpace(value)) missing++;
            else counts[value] = counts.GetValueOrDefault(value) + 1;
        }
        return (counts, missing);
    }

    private static (Dictionary<string, long> Counts, long Missing) CountNumericCategories(NumericColumn column)
    {
        // Count by value first so each distinct number is formatted once, not once per row.
        var byValue = new Dictionary<double, long>();
        long missing = 0;
        foreach (var v in column.Values)
        {
            if (double.IsFinite(v)) byValue[v] = byValue.GetValueOrDefault(v) + 1;
            else missing++;
        }
        var counts = new Dictionary<string, long>(byValue.Count, StringComparer.Ordinal);
        foreach (var (value, count) in byValue)
        {
            var key = value.ToString("R", CultureInfo.InvariantCulture);
            counts[key] = counts.GetValueOrDefault(key) + count;
        }
        return (counts, missing);
    }

    private static PsiFeatureProfile ProfileCategories(string name, int rows, (Dictionary<string, long> Counts, long Missing) tally, int maxCategories)
    {
        if (tally.Counts.Count == 0) throw NoPresentValues(name, rows);
        var categories = Categories.Sorted(tally.Counts, maxCategories);
        var total = (double)rows;
        var proportions = new double[categories.Count];
        var kept = 0L;
        for (var i = 0; i < categories.Count; i++)
        {
            if (categories[i] == PsiFeatureProfile.OtherCategory && !tally.Counts.ContainsKey(PsiFeatureProfile.OtherCategory)) continue;
            var count = tally.Counts[categories[i]];
            kept += count;
            proportions[i] = count / total;
        }
        if (categories[^1] == PsiFeatureProfile.OtherCategory && !tally.Counts.ContainsKey(PsiFeatureProfile.OtherCategory))
        {
            proportions[^1] = (rows - tally.Missing - kept) / total;
        }
        return new PsiFeatureProfile(FeatureKind.Categorical, null, categories, proportions, tally.Missing / total, rows, tally.Missing);
    }

    private static ScouterDataException NoPresentValues(string name, int rows) =>
        new(rows == 0 ? "no data rows" : string.Create(CultureInfo.InvariantCulture, $"every one of the {rows} values is missing; a feature needs at least one present value"), column: name);

    /// <summary>
    /// Observed counts laid out like <see cref="PsiFeatureProfile.BaselineWithPseudoBins"/>:
    /// <c>[missing, unseen (categorical only), bin 1..B]</c>.
    /// </summary>
    public static long[] CountObserved(PsiFeatureProfile feature, Column column)
    {
        var offset = feature.Kind == FeatureKind.Categorical ? 2 : 1;
        var counts = new long[feature.BinCount + offset];
        switch (column)
        {
            case NumericColumn numeric when feature.Kind == FeatureKind.Numeric:
                Binning.CountBins(numeric.Values, feature.EdgeSpan, counts);
                break;
            case NumericColumn numeric:
                foreach (var v in numeric.Values) counts[Slot(feature.BinOf(v), offset)]++;
                break;
            case CategoricalColumn text when feature.Kind == FeatureKind.Numeric:
                var cells = text.Values;
                for (var row = 0; row < cells.Count; row++)
                {
                    var cell = cells[row];
                    if (string.IsNullOrWhiteSpace(cell)) { counts[0]++; continue; }
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                        throw new ScouterDataException("the profile has this feature as numeric but the value is not a number", column: column.Name, row: row + 1, value: cell);
                    counts[Binning.BinOf(feature.EdgeSpan, v)]++;
                }
                break;
            case CategoricalColumn text:
                foreach (var cell in text.Values) counts[Slot(feature.BinOf(cell), offset)]++;
                break;
        }
        return counts;
    }

    private static int Slot(int bin, int offset) => bin switch
    {
        PsiFeatureProfile.MissingBin => 0,
        PsiFeatureProfile.UnseenBin => 1,
        _ => bin + offset - 1,
    };
}
