using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Scouter.Drift;

/// <summary>
/// Numeric PSI bins (spec/drift-math.md 1.1-1.2). Interior edges <c>e1 &lt; ... &lt; ek</c> define
/// the right-closed bins <c>(-inf, e1], (e1, e2], ..., (ek, +inf)</c> with ids <c>1..k+1</c>; id 0
/// is the missing bin (NaN, ±infinity). No edges means one bin <c>(-inf, +inf)</c>.
/// </summary>
public static class Binning
{
    /// <summary>The largest bin count an equal-width method may produce.</summary>
    public const int MaxEqualWidthBins = 10_000;

    // Values are counted in L1-sized blocks so each edge pass reads cached data.
    private const int BlockSize = 2048;

    // Above this many edges one binary search per value beats one vector pass per edge.
    private const int MaxVectorEdges = 48;

    /// <summary>
    /// The interior edges of a numeric feature from its present (finite) values.
    /// </summary>
    /// <param name="presentValuesScratch">A private copy of the present values; reordered in place.</param>
    /// <param name="strategy">Quantile or equal-width binning.</param>
    /// <param name="featureName">Named in errors.</param>
    /// <returns>Strictly increasing edges; empty when the feature gets a single bin.</returns>
    /// <exception cref="ScouterDataException">There are no present values.</exception>
    /// <exception cref="ScouterConfigException">An equal-width method gives a bin count that is not finite or exceeds <see cref="MaxEqualWidthBins"/>.</exception>
    public static double[] ComputeEdges(Span<double> presentValuesScratch, BinningStrategy strategy, string featureName)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (presentValuesScratch.IsEmpty)
            throw new ScouterDataException("the feature has no present (non-missing) values to bin", column: featureName);

        return strategy.Kind switch
        {
            BinningKind.Quantile => Quantiles.QuantileEdges(presentValuesScratch, strategy.NumBins),
            BinningKind.EqualWidth => EqualWidthEdges(presentValuesScratch, strategy, featureName),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy.Kind, "Unknown binning kind."),
        };
    }

    private static double[] EqualWidthEdges(Span<double> values, BinningStrategy strategy, string featureName)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var range = max - min;
        if (!(range > 0)) return [];

        var binCount = EqualWidthBinCount(values, strategy, min, max);
        if (!double.IsFinite(binCount) || binCount > MaxEqualWidthBins)
        {
            var method = EnumNames.Of(strategy.Method);
            throw new ScouterConfigException("binning", "equal_width:" + method,
                string.Create(CultureInfo.InvariantCulture,
                    $"method '{method}' gives {binCount} bins for feature '{featureName}' (at most {MaxEqualWidthBins} allowed); choose another method or quantile binning"));
        }

        var k = (int)binCount;
        if (k <= 1) return [];
        var width = range / k;
        if (width == 0) return [];

        var edges = new double[k - 1];
        var kept = 0;
        for (var i = 1; i < k; i++)
        {
            var edge = min + (i * width);
            // Huge k over a tiny range can round neighbours together; edges must stay strictly increasing.
            if (kept > 0 && edge <= edges[kept - 1]) continue;
            edges[kept++] = edge;
        }
        return kept == edges.Length ? edges : edges.AsSpan(0, kept).ToArray();
    }

    /// <summary>
    /// The bin count k of spec 1.2 as a double, so an overflowing rule shows up as infinity. A rule
    /// whose bin width is 0 (zero IQR, or Doane's skewness term undefined for n &lt;= 2) gives 1 bin.
    /// </summary>
    private static double EqualWidthBinCount(Span<double> values, BinningStrategy strategy, double min, double max)
    {
        double n = values.Length;
        switch (strategy.Method)
        {
            case EqualWidthMethod.Manual:
                return strategy.NumBins;
            case EqualWidthMethod.SquareRoot:
                return Math.Ceiling(Math.Sqrt(n));
            case EqualWidthMethod.Sturges:
                return Math.Ceiling(Math.Log2(n)) + 1;
            case EqualWidthMethod.Rice:
                return Math.Ceiling(2 * Math.Cbrt(n));
            case EqualWidthMethod.TerrellScott:
                return Math.Round(Math.Cbrt(2 * n), MidpointRounding.AwayFromZero);
            case EqualWidthMethod.Doane:
            {
                if (n <= 2) return 1;
                var (m2, m3) = CentralMoments(values);
                var g1 = m3 / Math.Pow(m2, 1.5);
                var sigmaG1 = Math.Sqrt(6 * (n - 2) / ((n + 1) * (n + 3)));
                return Math.Round(1 + Math.Log2(n) + Math.Log2(1 + (Math.Abs(g1) / sigmaG1)), MidpointRounding.AwayFromZero);
            }
            case EqualWidthMethod.Scott:
            {
                var (m2, _) = CentralMoments(values);
                var binWidth = 3.49 * Math.Sqrt(m2) / Math.Cbrt(n);
                return binWidth > 0 ? Math.Ceiling((max - min) / binWidth) : 1;
            }
            case EqualWidthMethod.FreedmanDiaconis:
            {
                // Quantile() reorders the values; the min/max/n used here do not depend on order.
                var iqr = Quantiles.Quantile(values, 0.75) - Quantiles.Quantile(values, 0.25);
                var binWidth = 2 * iqr / Math.Cbrt(n);
                return binWidth > 0 ? Math.Ceiling((max - min) / binWidth) : 1;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy.Method, "Unknown equal-width method.");
        }
    }

    /// <summary>Population (divide by n) second and third central moments, two-pass for accuracy.</summary>
    private static (double M2, double M3) CentralMoments(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        double s2 = 0, s3 = 0;
        foreach (var v in values)
        {
            var d = v - mean;
            var d2 = d * d;
            s2 += d2;
            s3 += d2 * d;
        }
        return (s2 / values.Length, s3 / values.Length);
    }

    /// <summary>
    /// The bin id of <paramref name="value"/>: <c>1..k+1</c> for a finite value (the first bin
    /// whose upper edge is <c>&gt;=</c> the value), 0 for a missing one (NaN, ±infinity).
    /// </summary>
    /// <param name="edges">Strictly increasing interior edges.</param>
    /// <param name="value">The value to place.</param>
    public static int BinOf(ReadOnlySpan<double> edges, double value)
    {
        if (!double.IsFinite(value)) return 0;
        var lo = 0;
        var hi = edges.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (edges[mid] >= value) hi = mid;
            else lo = mid + 1;
        }
        return lo + 1;
    }

    /// <summary>
    /// Counts <paramref name="values"/> per bin: <c>counts[0]</c> = missing (NaN, ±infinity),
    /// <c>counts[i]</c> = bin <c>i</c> (see <see cref="BinOf"/>). Overwrites <paramref name="counts"/>.
    /// </summary>
    /// <param name="values">Values to count.</param>
    /// <param name="edges">Strictly increasing, finite interior edges.</param>
    /// <param name="counts">Receives the counts; length must be <c>edges.Length + 2</c>.</param>
    public static void CountBins(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts)
    {
        if (counts.Length != edges.Length + 2)
            throw new ArgumentException("counts must have edges.Length + 2 elements (missing bin + k+1 value bins).", nameof(counts));
        for (var i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1])))
                throw new ArgumentException("edges must be finite and strictly increasing.", nameof(edges));
        }
        counts.Clear();

        if (edges.Length > MaxVectorEdges)
        {
            foreach (var v in values) counts[BinOf(edges, v)]++;
            return;
        }

        // Cumulative counts: le[j] = #(v <= edges[j]). A comparison is false for NaN and +inf and true
        // for -inf, so -inf is counted separately (#(v <= -inf)) and subtracted; #(v <= MaxValue)
        // is then the finite count plus -inf.
        Span<long> le = stackalloc long[MaxVectorEdges];
        le = le[..edges.Length];
        le.Clear();
        long finiteOrNegInf = 0, negInf = 0;
        for (var start = 0; start < values.Length; start += BlockSize)
        {
            var block = values.Slice(start, Math.Min(BlockSize, values.Length - start));
            finiteOrNegInf += CountLessOrEqual(block, double.MaxValue);
            negInf += CountLessOrEqual(block, double.NegativeInfinity);
            for (var j = 0; j < edges.Length; j++) le[j] += CountLessOrEqual(block, edges[j]);
        }

        var finite = finiteOrNegInf - negInf;
        counts[0] = values.Length - finite;
        long previous = 0;
        for (var j = 0; j < edges.Length; j++)
        {
            var cumulative = le[j] - negInf;
            counts[j + 1] = cumulative - previous;
            previous = cumulative;
        }
        counts[edges.Length + 1] = finite - previous;
    }

    /// <summary>#(v &lt;= limit) over <paramref name="values"/>; NaN never counts.</summary>
    // Hot kernel: skip tier-0 so the first big profile does not run unoptimized code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long CountLessOrEqual(ReadOnlySpan<double> values, double limit)
    {
        // LoadUnsafe reads whole vectors without per-element bounds checks; every offset below is
        // kept within values.Length by the loop conditions.
        ref var origin = ref MemoryMarshal.GetReference(values);
        var length = values.Length;
        var i = 0;
        long count = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var bound = Vector256.Create(limit);
            var acc0 = Vector256<long>.Zero;
            var acc1 = Vector256<long>.Zero;
            // A true lane is all ones (-1 as long), so subtracting the mask counts it.
            for (; i <= length - (2 * Vector256<double>.Count); i += 2 * Vector256<double>.Count)
            {
                acc0 -= Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref origin, (nuint)i), bound).AsInt64();
                acc1 -= Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref origin, (nuint)(i + Vector256<double>.Count)), bound).AsInt64();
            }
            for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
                acc0 -= Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref origin, (nuint)i), bound).AsInt64();
            count = Vector256.Sum(acc0 + acc1);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<double>.Count)
        {
            var bound = Vector128.Create(limit);
            var acc0 = Vector128<long>.Zero;
            var acc1 = Vector128<long>.Zero;
            for (; i <= length - (2 * Vector128<double>.Count); i += 2 * Vector128<double>.Count)
            {
                acc0 -= Vector128.LessThanOrEqual(Vector128.LoadUnsafe(ref origin, (nuint)i), bound).AsInt64();
                acc1 -= Vector128.LessThanOrEqual(Vector128.LoadUnsafe(ref origin, (nuint)(i + Vector128<double>.Count)), bound).AsInt64();
            }
            for (; i <= length - Vector128<double>.Count; i += Vector128<double>.Count)
                acc0 -= Vector128.LessThanOrEqual(Vector128.LoadUnsafe(ref origin, (nuint)i), bound).AsInt64();
            count = Vector128.Sum(acc0 + acc1);
        }
        for (; i < length; i++)
        {
            if (values[i] <= limit) count++;
        }
        return count;
    }
}
