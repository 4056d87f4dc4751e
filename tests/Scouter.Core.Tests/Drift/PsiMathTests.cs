using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class PsiMathTests
{
    private static readonly double[] TenthBins = [.. Enumerable.Repeat(0.1, 10)];
    private static readonly long[] SpecCounts = [40, 45, 50, 55, 60, 50, 50, 50, 50, 100];

    [Fact]
    public void Psi_SpecThreeBinExample()
    {
        Tolerance.Equal(0.06931471803099454, PsiMath.Psi([0.3, 0.4, 0.3], [0.2, 0.4, 0.4]), "psi");
    }

    [Fact]
    public void Psi_SpecTenBinCounts_MatchesSpecPsiAndThresholds()
    {
        Tolerance.Equal(0.0663708896444, PsiMath.Psi(TenthBins, SpecCounts), "psi");
        Tolerance.Equal(0.0307617774629, PsiMath.StatisticalThreshold(PsiThresholdKind.ChiSquare, 0.25, 0.05, 10, 550), "chi_square");
        Tolerance.Equal(0.0290518598583, PsiMath.StatisticalThreshold(PsiThresholdKind.Normal, 0.25, 0.05, 10, 550), "normal");
    }

    [Fact]
    public void IsAlert_SpecTenBinCounts_NeedsMinPsiZero()
    {
        var psi = PsiMath.Psi(TenthBins, SpecCounts);
        var threshold = PsiMath.StatisticalThreshold(PsiThresholdKind.ChiSquare, 0.25, 0.05, 10, 550);

        Assert.False(PsiMath.IsAlert(psi, threshold, minPsi: 0.1));
        Assert.True(PsiMath.IsAlert(psi, threshold, minPsi: 0));
        Assert.True(PsiMath.HasMinimumSample(10, 550));
    }

    [Fact]
    public void Psi_IdenticalDistributions_IsZero()
    {
        Assert.Equal(0.0, PsiMath.Psi([0.25, 0.75], [0.25, 0.75]));
        Assert.Equal(0.0, PsiMath.Psi([0.25, 0.75], new long[] { 1, 3 }));
    }

    [Fact]
    public void Psi_EmptyBaselineBin_StaysFinite()
    {
        // (0 - 0.5)·ln(1e-10 / (0.5 + 1e-10)) + (1 - 0.5)·ln((1 + 1e-10) / (0.5 + 1e-10))
        var expected = (-0.5 * Math.Log(1e-10 / (0.5 + 1e-10))) + (0.5 * Math.Log((1 + 1e-10) / (0.5 + 1e-10)));

        Tolerance.Equal(expected, PsiMath.Psi([0.0, 1.0], new long[] { 5, 5 }), "psi");
    }

    [Fact]
    public void Psi_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => PsiMath.Psi([0.5, 0.5], new long[] { 0, 0 }));
        Assert.Throws<ArgumentException>(() => PsiMath.Psi([0.5, 0.5], new long[] { 1 }));
        Assert.Throws<ArgumentException>(() => PsiMath.Psi([0.5, 0.5], new long[] { 2, -1 }));
        Assert.Throws<ArgumentException>(() => PsiMath.Psi([0.5, 0.5], [1.0]));
    }

    [Fact]
    public void StatisticalThreshold_FixedKind_ReturnsFixedValue()
    {
        Assert.Equal(0.2, PsiMath.StatisticalThreshold(PsiThresholdKind.Fixed, 0.2, 0.05, 10, 5));
    }

    [Theory]
    [InlineData(PsiThresholdKind.ChiSquare)]
    [InlineData(PsiThresholdKind.Normal)]
    public void StatisticalThreshold_OneBin_IsInfinite(PsiThresholdKind kind)
    {
        Assert.Equal(double.PositiveInfinity, PsiMath.StatisticalThreshold(kind, 0.25, 0.05, 1, 1000));
    }

    [Fact]
    public void StatisticalThreshold_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PsiMath.StatisticalThreshold(PsiThresholdKind.ChiSquare, 0.25, 0.05, 10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PsiMath.StatisticalThreshold(PsiThresholdKind.ChiSquare, 0.25, 0.05, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => PsiMath.StatisticalThreshold(PsiThresholdKind.Normal, 0.25, 1.0, 10, 10));
    }

    [Fact]
    public void HasMinimumSample_NeedsTenPerBin()
    {
        Assert.True(PsiMath.HasMinimumSample(10, 100));
        Assert.False(PsiMath.HasMinimumSample(10, 99));
        Assert.True(PsiMath.HasMinimumSample(1, 10));
    }

    [Fact]
    public void IsCritical_FromQuarterUp()
    {
        Assert.True(PsiMath.IsCritical(0.25));
        Assert.False(PsiMath.IsCritical(0.2499999));
    }
}
