using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

/// <summary>The SPC alert decision's calibration, pinned on cases small enough to count by hand.</summary>
public sealed class SpcAlertCalibrationTests
{
    private const double Exact = 1e-12;
    private static readonly int[] AllZones = [1, 2, 3, 4];

    [Fact]
    public void Consecutive_WindowOfTheRunLength_IsBothSidesAllIn() =>
        // +++ or ---: 2 · 0.5³.
        Assert.Equal(0.25, SpcAlertCalibration.ConsecutiveProbability(0.5, 3, 3), Exact);

    [Fact]
    public void Consecutive_FourSamples_CountsTheSixSequencesWithARunOfThree() =>
        // Of the 16 sign sequences, ++++, +++-, -+++, ----, ---+, +--- hold a run of three.
        Assert.Equal(6.0 / 16, SpcAlertCalibration.ConsecutiveProbability(0.5, 3, 4), Exact);

    [Fact]
    public void Consecutive_WithABandBetweenTheSides_CountsRunsThatStartLate()
    {
        // p = 0.25 per side, 0.5 inside the band. A run of 2 at samples 1-2: 2p²; only at 2-3: 2p²(1 - p).
        const double P = 0.25;
        Assert.Equal((2 * P * P) + (2 * P * P * (1 - P)), SpcAlertCalibration.ConsecutiveProbability(P, 2, 3), Exact);
    }

    [Fact]
    public void Alternating_SmallWindows()
    {
        // +- or -+ of two samples; +-+ or -+- of three.
        Assert.Equal(0.5, SpcAlertCalibration.AlternatingProbability(0.5, 2, 2), Exact);
        Assert.Equal(0.25, SpcAlertCalibration.AlternatingProbability(0.5, 3, 3), Exact);
        // With a band: at 1-2 2p²; only at 2-3 when sample 1 is not opposite sample 2: 2p²(1 - p).
        const double P = 0.25;
        Assert.Equal((2 * P * P) + (2 * P * P * (1 - P)), SpcAlertCalibration.AlternatingProbability(P, 2, 3), Exact);
    }

    [Fact]
    public void RunsLongerThanTheWindow_NeverFire()
    {
        Assert.Equal(0, SpcAlertCalibration.ConsecutiveProbability(0.5, 9, 8));
        Assert.Equal(0, SpcAlertCalibration.AlternatingProbability(0.5, 9, 8));
        Assert.Equal(0, SpcAlertCalibration.TrendBound(9, 8));
    }

    [Fact]
    public void TrendBound_IsStartPositionsTimesTwoOverLFactorial() =>
        Assert.Equal(19 * 2.0 / 5040, SpcAlertCalibration.TrendBound(7, 25), Exact);

    [Fact]
    public void ZoneProbabilities_FollowTheLimitScale()
    {
        Assert.Equal(0.5, SpcAlertCalibration.ZoneProbability(1, SpcLimitScale.SampleMean, 25));
        // Sample-mean scale: z ~ N(0, 1); P(z >= 1) = 0.158655253931457.
        Assert.Equal(0.158655253931457, SpcAlertCalibration.ZoneProbability(2, SpcLimitScale.SampleMean, 25), 1e-12);
        // Observation scale, means of 25 values: z ~ N(0, 1/25), P(z >= 1) = P(N(0,1) >= 5) = 2.866515718791939e-7.
        Assert.Equal(2.866515718791939e-7, SpcAlertCalibration.ZoneProbability(2, SpcLimitScale.Observation, 25), 1e-18);
        // Beyond 3: P(N(0,1) > 3) = 0.00134989803163009.
        Assert.Equal(0.00134989803163009, SpcAlertCalibration.ZoneProbability(4, SpcLimitScale.SampleMean, 25), 1e-14);
    }

    [Fact]
    public void UnionBound_AboveTheExactLimit_BoundsTheExactProbability()
    {
        // At the exact limit both are available: the bound is above the exact value.
        var n = SpcAlertCalibration.ExactLimit;
        Assert.True(SpcAlertCalibration.ConsecutiveProbability(0.25, 12, n) <= (n - 11) * 2 * Math.Pow(0.25, 12));
        Assert.Equal((4 * n - 11) * 2 * Math.Pow(0.25, 12), SpcAlertCalibration.ConsecutiveProbability(0.25, 12, 4 * n), 1e-15);
    }

    [Theory]
    [InlineData(SpcLimitScale.SampleMean, 25)]
    [InlineData(SpcLimitScale.SampleMean, 5000)]
    [InlineData(SpcLimitScale.Observation, 25)]
    [InlineData(SpcLimitScale.Observation, 5000)]
    public void Calibration_KeepsEveryRuleWithinItsShare_WithTheShortestLengths(SpcLimitScale scale, long samples)
    {
        var calibration = SpcAlertCalibration.For(SpcRule.Default, AllZones, 7, scale, 25, samples, 0.01);

        // Default rules: consecutive in zones 1-4, alternating in zones 1-3 (a4 = 1 disables it), trend: 8 rules, 0.01 / 8 each.
        const double Share = 0.01 / 8;
        var n = calibration.Samples;
        Assert.True(n >= samples);
        var total = 0.0;
        for (var zone = 1; zone <= 4; zone++)
        {
            var p = SpcAlertCalibration.ZoneProbability(zone, scale, 25);
            var c = calibration.Rule.Consecutive(zone);
            Assert.True(c >= SpcRule.Default.Consecutive(zone));
            Assert.True(SpcAlertCalibration.ConsecutiveProbability(p, c, n) <= Share);
            if (c > SpcRule.Default.Consecutive(zone)) Assert.True(SpcAlertCalibration.ConsecutiveProbability(p, c - 1, n) > Share);
            total += SpcAlertCalibration.ConsecutiveProbability(p, c, n);
            if (zone == 4) continue;
            var a = calibration.Rule.Alternating(zone);
            Assert.True(a >= SpcRule.Default.Alternating(zone));
            Assert.True(SpcAlertCalibration.AlternatingProbability(p, a, n) <= Share);
            total += SpcAlertCalibration.AlternatingProbability(p, a, n);
        }
        Assert.True(calibration.TrendLength >= 7);
        Assert.True(SpcAlertCalibration.TrendBound(calibration.TrendLength, n) <= Share);
        total += SpcAlertCalibration.TrendBound(calibration.TrendLength, n);
        Assert.Equal(total, calibration.Bound, 1e-15);
        Assert.True(calibration.Bound <= 0.01);
    }

    [Fact]
    public void Calibration_ZoneOneOnTheObservationScale_NeedsLongerRunsForLongerWindows()
    {
        // A sample mean is above the center half of the time whatever the scale, so eight in a row on one side is common.
        var small = SpcAlertCalibration.For(SpcRule.Default, AllZones, 7, SpcLimitScale.Observation, 25, 25, 0.01);
        var large = SpcAlertCalibration.For(SpcRule.Default, AllZones, 7, SpcLimitScale.Observation, 25, 5000, 0.01);

        Assert.True(small.Rule.Consecutive(1) > 8);
        Assert.True(large.Rule.Consecutive(1) > small.Rule.Consecutive(1));
        Assert.True(large.TrendLength > small.TrendLength);
        // Zones 2-3 are out of reach of in-distribution means of 25 values: their lengths stay as configured.
        Assert.Equal(4, large.Rule.Consecutive(2));
        Assert.Equal(2, large.Rule.Consecutive(3));
    }

    [Fact]
    public void Decision_InDistributionTrainingMeans_DoNotAlert_ButAShiftDoes()
    {
        var profile = new SpcDriftProfile(new SpcDriftConfig { Space = "s", Name = "n", FeaturesToMonitor = ["x"] },
            new Dictionary<string, SpcFeatureProfile> { ["x"] = new(0, 1, 25, 0) });
        // Eight means above the center (no trend), then pairs on each side: the configured zone-1 rule (8) fires, the calibrated one does not.
        double[] pairs = [-0.1, -0.2, 0.1, 0.2];
        double[] means = [0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, .. Enumerable.Range(0, 17).Select(i => pairs[i % 4])];
        var inDistribution = DriftChecks.EvaluateSpc(profile, "x", means);
        Assert.Contains(inDistribution.Alerts, a => a.Kind == SpcAlertKind.Consecutive && a.Zone == 1);
        Assert.False(inDistribution.Alert);

        // Four means beyond 3 sigma in a row.
        var shifted = DriftChecks.EvaluateSpc(profile, "x", [.. means.Take(21), 3.5, 3.6, 3.4, 3.7]);
        Assert.True(shifted.Alert);
        Assert.Equal(25, means.Length);
    }
}
