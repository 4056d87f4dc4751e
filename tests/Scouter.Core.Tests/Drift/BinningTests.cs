using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class BinningTests
{
    /// <summary>Right-closed bins by linear scan, independent of the code under test.</summary>
    private static int ExpectedBin(double[] edges, double value)
    {
        if (!double.IsFinite(value)) return 0;
        for (var i = 0; i < edges.Length; i++)
        {
            if (value <= edges[i]) return i + 1;
        }
        return edges.Length + 1;
    }

    [Fact]
    public void BinOf_IsRightClosedAndMissingIsZero()
    {
        double[] edges = [1, 2, 3];

        Assert.Equal(1, Binning.BinOf(edges, -1e300));
        Assert.Equal(1, Binning.BinOf(edges, 1));
        Assert.Equal(2, Binning.BinOf(edges, 1.0000001));
        Assert.Equal(2, Binning.BinOf(edges, 2));
        Assert.Equal(3, Binning.BinOf(edges, 3));
        Assert.Equal(4, Binning.BinOf(edges, 3.5));
        Assert.Equal(0, Binning.BinOf(edges, double.NaN));
        Assert.Equal(0, Binning.BinOf(edges, double.PositiveInfinity));
        Assert.Equal(0, Binning.BinOf(edges, double.NegativeInfinity));
        Assert.Equal(1, Binning.BinOf([], 42));
    }

    [Fact]
    public void BinOf_RandomValues_MatchesLinearScan()
    {
        var random = new Random(3);
        var edges = Enumerable.Range(0, 17).Select(i => i * 0.5 - 4).ToArray();
        for (var i = 0; i < 10_000; i++)
        {
            var v = i % 3 == 0 ? edges[random.Next(edges.Length)] : random.NextDouble() * 12 - 6;
            Assert.Equal(ExpectedBin(edges, v), Binning.BinOf(edges, v));
        }
    }

    public static TheoryData<int, int> CountBinsShapes => new()
    {
        { 0, 9 }, { 1, 9 }, { 3, 9 }, { 7, 0 }, { 8, 1 }, { 13, 9 },
        { 2047, 9 }, { 2048, 9 }, { 2049, 9 }, { 10_001, 9 }, { 5000, 48 }, { 5000, 49 }, { 5000, 200 },
    };

    [Theory]
    [MemberData(nameof(CountBinsShapes))]
    public void CountBins_Vectorized_MatchesScalarBinOf(int length, int edgeCount)
    {
        var random = new Random(length * 1000 + edgeCount);
        var edges = Enumerable.Range(1, edgeCount).Select(i => i * 10.0 / (edgeCount + 1)).ToArray();
        var specials = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, -0.0, 0.0, 10.0 };
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = random.Next(10) switch
            {
                0 => specials[random.Next(specials.Length)],
                1 or 2 when edges.Length > 0 => edges[random.Next(edges.Length)], // exactly on an edge
                _ => random.NextDouble() * 12 - 1,
            };
        }

        var counts = new long[edgeCount + 2];
        counts.AsSpan().Fill(-7); // must be overwritten
        Binning.CountBins(values, edges, counts);

        var expectedByBinOf = new long[edgeCount + 2];
        var expectedByScan = new long[edgeCount + 2];
        foreach (var v in values)
        {
            expectedByBinOf[Binning.BinOf(edges, v)]++;
            expectedByScan[ExpectedBin(edges, v)]++;
        }
        Assert.Equal(expectedByScan, expectedByBinOf);
        Assert.Equal(expectedByScan, counts);
    }

    [Fact]
    public void CountBins_MissingValues_GoToBinZero()
    {
        double[] values = [double.NaN, double.NegativeInfinity, double.PositiveInfinity, 0.5, 1.0, 1.5, 2.0, 2.5, -3, 99, -3, 99];
        var counts = new long[4];

        Binning.CountBins(values, [1.0, 2.0], counts);

        Assert.Equal([3L, 4L, 2L, 3L], counts);
    }

    [Fact]
    public void CountBins_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => Binning.CountBins([1.0], [1.0, 2.0], new long[3]));
        Assert.Throws<ArgumentException>(() => Binning.CountBins([1.0], [2.0, 1.0], new long[4]));
        Assert.Throws<ArgumentException>(() => Binning.CountBins([1.0], [1.0, 1.0], new long[4]));
        Assert.Throws<ArgumentException>(() => Binning.CountBins([1.0], [double.NaN], new long[3]));
    }

    [Fact]
    public void EqualWidth_Manual_SplitsRangeEvenly()
    {
        double[] values = [10, 0, 3, 7];

        var edges = Binning.ComputeEdges(values, BinningStrategy.EqualWidth(EqualWidthMethod.Manual, 4), "x");

        Assert.Equal([2.5, 5.0, 7.5], edges);
    }

    [Fact]
    public void EqualWidth_Sturges_UsesCeilLog2PlusOne()
    {
        // n = 8: ceil(log2 8) + 1 = 4 bins over [0, 7].
        var values = Enumerable.Range(0, 8).Select(i => (double)i).ToArray();

        var edges = Binning.ComputeEdges(values, BinningStrategy.EqualWidth(EqualWidthMethod.Sturges), "x");

        Assert.Equal([1.75, 3.5, 5.25], edges);
    }

    [Theory]
    [InlineData(EqualWidthMethod.Manual)]
    [InlineData(EqualWidthMethod.SquareRoot)]
    [InlineData(EqualWidthMethod.Sturges)]
    [InlineData(EqualWidthMethod.Rice)]
    [InlineData(EqualWidthMethod.Doane)]
    [InlineData(EqualWidthMethod.Scott)]
    [InlineData(EqualWidthMethod.TerrellScott)]
    [InlineData(EqualWidthMethod.FreedmanDiaconis)]
    public void EqualWidth_ConstantColumn_HasNoEdges(EqualWidthMethod method)
    {
        var values = Enumerable.Repeat(3.25, 50).ToArray();

        Assert.Empty(Binning.ComputeEdges(values, BinningStrategy.EqualWidth(method), "x"));
    }

    [Fact]
    public void EqualWidth_FreedmanDiaconisWithZeroIqr_HasNoEdges()
    {
        var values = Enumerable.Repeat(1.0, 99).Append(1000.0).ToArray();

        Assert.Empty(Binning.ComputeEdges(values, BinningStrategy.EqualWidth(EqualWidthMethod.FreedmanDiaconis), "x"));
    }

    [Fact]
    public void EqualWidth_DoaneWithTwoValues_HasNoEdges()
    {
        Assert.Empty(Binning.ComputeEdges(new double[] { 1, 2 }, BinningStrategy.EqualWidth(EqualWidthMethod.Doane), "x"));
    }

    [Fact]
    public void EqualWidth_TooManyBins_ThrowsNamingMethodAndFeature()
    {
        // Tiny IQR, huge range: Freedman-Diaconis asks for ~10^14 bins.
        var values = Enumerable.Range(0, 1000).Select(i => i * 1e-9).Append(1e6).ToArray();

        var error = Assert.Throws<ScouterConfigException>(() =>
            Binning.ComputeEdges(values, BinningStrategy.EqualWidth(EqualWidthMethod.FreedmanDiaconis), "latency_ms"));

        Assert.Equal("binning", error.ParamName);
        Assert.Contains("freedman_diaconis", error.Message, StringComparison.Ordinal);
        Assert.Contains("latency_ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EqualWidth_ManualAboveLimit_Throws()
    {
        var error = Assert.Throws<ScouterConfigException>(() =>
            Binning.ComputeEdges(new double[] { 0, 1 }, BinningStrategy.EqualWidth(EqualWidthMethod.Manual, 10_001), "f"));

        Assert.Contains("manual", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EqualWidth_AtLimit_IsAllowed()
    {
        var edges = Binning.ComputeEdges(new double[] { 0, 1 }, BinningStrategy.EqualWidth(EqualWidthMethod.Manual, 10_000), "f");

        Assert.Equal(9_999, edges.Length);
    }

    [Fact]
    public void ComputeEdges_NoPresentValues_ThrowsNamingFeature()
    {
        var error = Assert.Throws<ScouterDataException>(() => Binning.ComputeEdges(Span<double>.Empty, BinningStrategy.Default, "age"));

        Assert.Equal("age", error.Column);
    }
}
