using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class SpcTests
{
    [Fact]
    public void C4_SpecValueAt25()
    {
        Tolerance.Equal(0.98964037558570, Spc.C4(25), "c4(25)");
    }

    [Fact]
    public void C4_ClosedFormsForSmallN()
    {
        // c4(2) = sqrt(2/pi); c4(3) = sqrt(pi)/2.
        Tolerance.Equal(Math.Sqrt(2 / Math.PI), Spc.C4(2), "c4(2)");
        Tolerance.Equal(Math.Sqrt(Math.PI) / 2, Spc.C4(3), "c4(3)");
    }

    [Fact]
    public void C4_LargeN_DoesNotOverflow()
    {
        var c4 = Spc.C4(1_000_000);
        Assert.True(c4 is > 0.9999 and < 1);
    }

    [Fact]
    public void Baseline_UsesFullChunksOnly()
    {
        // Chunks [1,2,3] and [4,5,6] (7 is a partial chunk): means 2 and 5, both stds 1.
        var (center, sigmaHat, samples) = Spc.Baseline([1, 2, 3, 4, 5, 6, 7], 3);

        Assert.Equal(2, samples);
        Assert.Equal(3.5, center);
        Tolerance.Equal(2 / Math.Sqrt(Math.PI), sigmaHat, "sigma hat = 1 / c4(3)");
        Tolerance.Equal(2 / Math.Sqrt(Math.PI) / Math.Sqrt(3), Spc.LimitSigma(sigmaHat, SpcLimitScale.SampleMean, 3), "sample-mean scale");
        Assert.Equal(sigmaHat, Spc.LimitSigma(sigmaHat, SpcLimitScale.Observation, 3));
    }

    [Fact]
    public void Baseline_FewerThanOneChunk_Throws()
    {
        Assert.Throws<ArgumentException>(() => Spc.Baseline([1, 2, 3, 4], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Spc.Baseline([1, 2, 3, 4], 1));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 1)]
    [InlineData(-0.999, -1)]
    [InlineData(1.0, 2)]
    [InlineData(-1.999, -2)]
    [InlineData(2.0, 3)]
    [InlineData(3.0, 3)]
    [InlineData(-3.0, -3)]
    [InlineData(3.000001, 4)]
    [InlineData(double.NegativeInfinity, -4)]
    public void ZoneCode_FollowsSpecBoundaries(double z, int expected)
    {
        Assert.Equal(expected, Spc.ZoneCode(10 + (z * 2), 10, 2));
    }

    [Fact]
    public void ZoneCode_ZeroSigma_IsZeroOnCenterElseFour()
    {
        Assert.Equal(0, Spc.ZoneCode(5, 5, 0));
        Assert.Equal(4, Spc.ZoneCode(5.0001, 5, 0));
        Assert.Equal(-4, Spc.ZoneCode(4.9999, 5, 0));
    }

    [Fact]
    public void ZoneCode_NaN_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Spc.ZoneCode(double.NaN, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Spc.ZoneCode(1, 0, -1));
    }
}
