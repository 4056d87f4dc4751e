using System.Globalization;
using Scouter.Data;
using Scouter.Drift;

namespace Scouter.Profiling;

/// <summary>SPC baselines per feature, and sample means of observed data.</summary>
internal static class SpcProfiler
{
    public static SpcFeatureProfile Profile(Column column, SpcDriftConfig config)
    {
        var values = RequireNumeric(column);
        using var scratch = new Drifter.Scratch(values.Length);
        var present = CopyPresent(values, scratch.Span);
        var n = config.SampleSize;
        if (present < n)
        {
            throw new ScouterDataException(
                string.Create(CultureInfo.InvariantCulture, $"SPC needs at least one full sample of {n} present values; the column has {present}"), column: column.Name);
        }
        var (center, sigmaHat, samples) = Spc.Baseline(scratch.Span[..present], n);
        var sigma = Spc.LimitSigma(sigmaHat, config.LimitScale, n);
        return new SpcFeatureProfile(center, sigma, samples, values.Length - present);
    }

    /// <summary>Means of consecutive full samples of the present values, in row order.</summary>
    public static double[] SampleMeans(Column column, int sampleSize)
    {
        var values = RequireNumeric(column);
        var means = new double[values.Length / sampleSize];
        var count = 0;
        var filled = 0;
        var sum = 0.0;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            sum += v;
            if (++filled == sampleSize)
            {
                means[count++] = sum / sampleSize;
                sum = 0;
                filled = 0;
            }
        }
        return count == means.Length ? means : means[..count];
    }

    private static ReadOnlySpan<double> RequireNumeric(Column column) => column is NumericColumn numeric
        ? numeric.Values
        : throw new ScouterDataException("SPC features must be numeric but this column holds text", column: column.Name,
            row: FirstText(column) is var (row, _) && row > 0 ? row : null, value: FirstText(column).Value);

    private static (long Row, string? Value) FirstText(Column column)
    {
        if (column is not CategoricalColumn text) return (0, null);
        var cells = text.Values;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (!string.IsNullOrWhiteSpace(cell) && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return (i + 1, cell);
        }
        return (0, null);
    }

    private static int CopyPresent(ReadOnlySpan<double> values, Span<double> buffer)
    {
        var present = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v)) buffer[present++] = v;
        }
        return present;
    }
}
