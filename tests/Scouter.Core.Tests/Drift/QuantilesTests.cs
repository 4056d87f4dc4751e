using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class QuantilesTests
{
    private static readonly double[] SpecColumn = [120, 1, 33, 71, 15, 59, 8, 62, 4, 21, 10, 2, 344, 437, 53, 39, 83, 6, 4.3, 2];

    /// <summary>numpy "linear" quantile, written out independently of the code under test.</summary>
    private static double ExpectedR7(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((h - lower) * (sorted[upper] - sorted[lower]));
    }

    private static double[] ExpectedEdges(double[] values, int numBins)
    {
        var sorted = values.Order().ToArray();
        var edges = new List<double>();
        for (var i = 1; i < numBins; i++)
        {
            var edge = ExpectedR7(sorted, (double)i / numBins);
            if (edges.Count == 0 || edge > edges[^1]) edges.Add(edge);
        }
        return [.. edges];
    }

    [Fact]
    public void QuantileEdges_SpecReferenceColumn_GivesSpecEdges()
    {
        var edges = Quantiles.QuantileEdges(SpecColumn.ToArray(), 10);

        Tolerance.Equal([2.0, 4.24, 7.4, 13.0, 27.0, 44.6, 59.9, 73.4, 142.4], edges, "edges");
    }

    [Fact]
    public void R7_InterpolatesBetweenOrderStatistics()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8];

        Assert.Equal(1.0, Quantiles.R7(sorted, 0));
        Assert.Equal(2.75, Quantiles.R7(sorted, 0.25));
        Assert.Equal(4.5, Quantiles.R7(sorted, 0.5));
        Assert.Equal(8.0, Quantiles.R7(sorted, 1));
        Assert.Equal(7.0, Quantiles.R7([7.0], 0.3));
    }

    [Fact]
    public void QuantileEdges_ConstantColumn_GivesOneEdge()
    {
        Assert.Equal([5.0], Quantiles.QuantileEdges(Enumerable.Repeat(5.0, 100).ToArray(), 10));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 10)]
    [InlineData(25, 2)]
    [InlineData(100, 10)]
    [InlineData(1_000, 20)]
    [InlineData(10_007, 10)]
    [InlineData(50_000, 300)] // more ranks than fit on the stack
    public void QuantileEdges_RandomColumns_MatchFullSort(int n, int numBins)
    {
        var random = new Random(n * 31 + numBins);
        var columns = new[]
        {
            Enumerable.Range(0, n).Select(_ => random.NextDouble() * 1000 - 500).ToArray(),
            Enumerable.Range(0, n).Select(_ => (double)random.Next(5)).ToArray(), // heavy duplicates
            Enumerable.Range(0, n).Select(i => (double)i).ToArray(), // sorted
            Enumerable.Range(0, n).Select(i => (double)(n - i)).ToArray(), // reversed
            Enumerable.Range(0, n).Select(i => (double)Math.Min(i, n - i)).ToArray(), // organ pipe
            Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1e300 : 1e300).ToArray(), // extreme magnitudes
        };
        foreach (var column in columns)
        {
            var expected = ExpectedEdges(column, numBins);
            var actual = Quantiles.QuantileEdges(column.ToArray(), numBins);
            Tolerance.Equal(expected, actual, "edges");
        }
    }

    [Fact]
    public void QuantileEdges_AreStrictlyIncreasing()
    {
        var random = new Random(7);
        var column = Enumerable.Range(0, 5000).Select(_ => Math.Round(random.NextDouble() * 20) / 4).ToArray();

        var edges = Quantiles.QuantileEdges(column, 100);

        for (var i = 1; i < edges.Length; i++) Assert.True(edges[i] > edges[i - 1]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public void Quantile_ByWayOfSelection_MatchesSortedR7(double p)
    {
        var random = new Random(11);
        var column = Enumerable.Range(0, 9_999).Select(_ => random.NextDouble()).ToArray();
        var expected = ExpectedR7(column.Order().ToArray(), p);

        Assert.Equal(expected, Quantiles.Quantile(column, p));
    }

    [Fact]
    public void Quantiles_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => Quantiles.QuantileEdges(Span<double>.Empty, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.QuantileEdges(new double[] { 1, 2 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.Quantile(new double[] { 1, 2 }, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.R7([1.0, 2.0], double.NaN));
        Assert.Throws<ArgumentException>(() => Quantiles.R7([], 0.5));
    }
}
