using System.Buffers;
using System.Runtime.CompilerServices;

namespace Scouter.Drift;

/// <summary>
/// R-7 quantiles (numpy <c>method="linear"</c>, spec/drift-math.md 1.2): for <c>n</c> sorted values
/// <c>x</c>, <c>h = (n-1)·p</c>, <c>j = floor(h)</c>, <c>Q(p) = x[j] + (h-j)·(x[j+1]-x[j])</c>.
/// </summary>
internal static class Quantiles
{
    // Below this size a range is insertion-sorted instead of partitioned further.
    private const int SmallRange = 24;

    /// <summary>The R-7 quantile of already sorted, finite values.</summary>
    /// <param name="sorted">Values in ascending order; must not be empty.</param>
    /// <param name="p">Probability in [0, 1].</param>
    public static double R7(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty) throw new ArgumentException("Cannot take a quantile of no values.", nameof(sorted));
        ValidateProbability(p);
        var (j, t) = Position(sorted.Length, p);
        return Interpolate(sorted, j, t);
    }

    /// <summary>
    /// The R-7 quantile of unsorted finite values, found by selection in O(n). Reorders
    /// <paramref name="scratch"/>, so pass a private copy.
    /// </summary>
    /// <param name="scratch">The values; reordered in place; must not be empty.</param>
    /// <param name="p">Probability in [0, 1].</param>
    public static double Quantile(Span<double> scratch, double p)
    {
        if (scratch.IsEmpty) throw new ArgumentException("Cannot take a quantile of no values.", nameof(scratch));
        ValidateProbability(p);
        var (j, t) = Position(scratch.Length, p);
        Span<int> order = stackalloc int[2];
        order[0] = j;
        var count = 1;
        if (j + 1 < scratch.Length) order[count++] = j + 1;
        Select(scratch, order[..count]);
        return Interpolate(scratch, j, t);
    }

    /// <summary>
    /// The deduplicated, strictly increasing R-7 quantile edges at <c>p = i/numBins</c>,
    /// <c>i = 1..numBins-1</c>. Runs a multi-index selection (O(n log numBins)) instead of a full
    /// sort and reorders <paramref name="scratch"/>, so pass a private copy of the present
    /// (finite) values.
    /// </summary>
    /// <param name="scratch">The present, finite values; reordered in place; must not be empty.</param>
    /// <param name="numBins">Number of bins, at least 2.</param>
    /// <returns>At most <c>numBins - 1</c> edges; fewer when quantiles coincide.</returns>
    public static double[] QuantileEdges(Span<double> scratch, int numBins)
    {
        if (scratch.IsEmpty) throw new ArgumentException("Cannot take quantiles of no values.", nameof(scratch));
        ArgumentOutOfRangeException.ThrowIfLessThan(numBins, 2);

        var n = scratch.Length;
        var interior = numBins - 1;
        var maxOrder = 2 * interior;
        int[]? rentedOrder = null;
        double[]? rentedEdges = null;
        var order = maxOrder <= 256
            ? stackalloc int[maxOrder]
            : (rentedOrder = ArrayPool<int>.Shared.Rent(maxOrder)).AsSpan(0, maxOrder);
        var edges = interior <= 128
            ? stackalloc double[interior]
            : (rentedEdges = ArrayPool<double>.Shared.Rent(interior)).AsSpan(0, interior);
        try
        {
            // j is non-decreasing in i, so the order statistics come out ascending; skip repeats.
            var count = 0;
            for (var i = 1; i <= interior; i++)
            {
                var (j, _) = Position(n, Probability(i, numBins));
                if (count == 0 || order[count - 1] < j) order[count++] = j;
                if (j + 1 < n && order[count - 1] < j + 1) order[count++] = j + 1;
            }
            Select(scratch, order[..count]);

            var kept = 0;
            for (var i = 1; i <= interior; i++)
            {
                var (j, t) = Position(n, Probability(i, numBins));
                var edge = Interpolate(scratch, j, t);
                // '<=' rather than '==': rounding in the interpolation must never yield a decreasing list.
                if (kept > 0 && edge <= edges[kept - 1]) continue;
                edges[kept++] = edge;
            }
            return edges[..kept].ToArray();
        }
        finally
        {
            if (rentedOrder is not null) ArrayPool<int>.Shared.Return(rentedOrder);
            if (rentedEdges is not null) ArrayPool<double>.Shared.Return(rentedEdges);
        }
    }

    private static double Probability(int i, int numBins) => (double)i / numBins;

    private static (int J, double T) Position(int n, double p)
    {
        var h = (n - 1) * p;
        var j = (int)Math.Floor(h);
        if (j >= n - 1) return (n - 1, 0);
        return (j, h - j);
    }

    private static double Interpolate(ReadOnlySpan<double> x, int j, double t) =>
        t == 0 || j + 1 >= x.Length ? x[j] : x[j] + (t * (x[j + 1] - x[j]));

    private static void ValidateProbability(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Probability must be in [0, 1].");
    }

    /// <summary>
    /// Places the order statistics <paramref name="ranks"/> (ascending, distinct) at their sorted
    /// positions; <paramref name="a"/> must not contain NaN. Partitions only the ranges that still contain a wanted rank; falls back to a full
    /// sort of a range after too many unlucky pivots, so the worst case stays O(n log n).
    /// </summary>
    internal static void Select(Span<double> a, ReadOnlySpan<int> ranks)
    {
        if (a.Length < 2 || ranks.IsEmpty) return;
        var depthLimit = 2 * (int)Math.Log2(a.Length) + 4;
        Select(a, 0, a.Length - 1, ranks, depthLimit);
    }

    private static void Select(Span<double> a, int lo, int hi, ReadOnlySpan<int> ranks, int depthLimit)
    {
        while (!ranks.IsEmpty)
        {
            if (hi - lo < SmallRange)
            {
                InsertionSort(a, lo, hi);
                return;
            }
            if (depthLimit-- == 0)
            {
                a[lo..(hi + 1)].Sort();
                return;
            }

            var pivot = PivotValue(a, lo, hi);
            var split = PartitionLess(a, lo, hi, pivot);
            if (split == lo)
            {
                // The pivot is the range minimum: split off the block equal to it instead, which
                // guarantees progress on heavily duplicated columns. Ranks inside it are final.
                split = PartitionLessOrEqual(a, lo, hi, pivot);
                var firstAbove = 0;
                while (firstAbove < ranks.Length && ranks[firstAbove] < split) firstAbove++;
                ranks = ranks[firstAbove..];
                lo = split;
                continue;
            }

            // Ranks below split lie in the left part, the others in the right part.
            var right = 0;
            while (right < ranks.Length && ranks[right] < split) right++;
            var leftRanks = ranks[..right];
            var rightRanks = ranks[right..];

            // Recurse into the side with fewer ranks, loop on the other (bounded stack).
            if (leftRanks.Length <= rightRanks.Length)
            {
                if (!leftRanks.IsEmpty) Select(a, lo, split - 1, leftRanks, depthLimit);
                lo = split;
                ranks = rightRanks;
            }
            else
            {
                if (!rightRanks.IsEmpty) Select(a, split, hi, rightRanks, depthLimit);
                hi = split - 1;
                ranks = leftRanks;
            }
        }
    }

    /// <summary>Median of three, or of three medians on large ranges (a better pivot saves whole passes).</summary>
    private static double PivotValue(Span<double> a, int lo, int hi)
    {
        var mid = lo + ((hi - lo) >> 1);
        if (hi - lo <= 512) return a[MedianIndex(a, lo, mid, hi)];
        var step = (hi - lo) / 8;
        return a[MedianIndex(a,
            MedianIndex(a, lo, lo + step, lo + (2 * step)),
            MedianIndex(a, mid - step, mid, mid + step),
            MedianIndex(a, hi - (2 * step), hi - step, hi))];
    }

    // Branchless Lomuto partitions: on random data a branchy partition mispredicts about every
    // other element, which costs more than the comparisons themselves.

    /// <summary>Reorders a[lo..hi] so a[lo..s) &lt; pivot &lt;= a[s..hi]; returns s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PartitionLess(Span<double> a, int lo, int hi, double pivot)
    {
        var range = a[lo..(hi + 1)];
        var first = 0;
        for (var i = 0; i < range.Length; i++)
        {
            var x = range[i];
            range[i] = range[first];
            range[first] = x;
            first += x < pivot ? 1 : 0;
        }
        return lo + first;
    }

    /// <summary>Reorders a[lo..hi] so a[lo..s) &lt;= pivot &lt; a[s..hi]; returns s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PartitionLessOrEqual(Span<double> a, int lo, int hi, double pivot)
    {
        var range = a[lo..(hi + 1)];
        var first = 0;
        for (var i = 0; i < range.Length; i++)
        {
            var x = range[i];
            range[i] = range[first];
            range[first] = x;
            first += x <= pivot ? 1 : 0;
        }
        return lo + first;
    }

    private static int MedianIndex(Span<double> a, int x, int y, int z)
    {
        if (a[x] < a[y])
        {
            if (a[y] < a[z]) return y;
            return a[x] < a[z] ? z : x;
        }
        if (a[x] < a[z]) return x;
        return a[y] < a[z] ? z : y;
    }

    private static void InsertionSort(Span<double> a, int lo, int hi)
    {
        for (var i = lo + 1; i <= hi; i++)
        {
            var v = a[i];
            var j = i - 1;
            while (j >= lo && a[j] > v)
            {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }
}
