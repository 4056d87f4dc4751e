using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class SpcRuleEngineTests
{
    private static readonly int[] AllZones = [1, 2, 3, 4];

    private static IReadOnlyList<SpcRuleAlert> Alerts(double[] means, string rule = SpcRule.DefaultText, int trendLength = 7, int[]? zones = null) =>
        SpcRuleEngine.Evaluate(means, 0, 1, SpcRule.Parse(rule), zones ?? AllZones, trendLength).Alerts;

    [Fact]
    public void OutOfBounds_ReportsTheSample()
    {
        var alerts = Alerts([0.1, 0.2, -3.5, 0.1]);

        Assert.Equal([new SpcRuleAlert(4, SpcAlertKind.OutOfBounds, 2, 2)], alerts);
    }

    [Fact]
    public void RepeatedRuns_AreReportedOnceWithTheFirstRun()
    {
        var alerts = Alerts([3.5, 0, 3.6, 0, -3.7]);

        Assert.Equal([new SpcRuleAlert(4, SpcAlertKind.OutOfBounds, 0, 0)], alerts);
    }

    [Fact]
    public void Consecutive_NegativeSide_ReportsRunIndices()
    {
        // Zone 3 needs 2 consecutive codes <= -3.
        var alerts = Alerts([0.1, -2.5, -2.1, -2.9, 0.3], "0 0 0 0 2 0 0 0");

        Assert.Equal([new SpcRuleAlert(3, SpcAlertKind.Consecutive, 1, 2)], alerts);
    }

    [Fact]
    public void Consecutive_MixedSides_DoNotCount()
    {
        Assert.Empty(Alerts([2.5, -2.5, 2.5, -2.5], "0 0 0 0 2 0 0 0"));
    }

    [Fact]
    public void Alternating_NeedsStrictlyAlternatingSignsAtOrBeyondZone()
    {
        // Zone 2 alternating of 4: 1.5, -1.5, 1.5, 1.5 breaks; -1.5, 1.5, -1.5, 1.5 completes at index 7.
        var alerts = Alerts([1.5, -1.5, 1.5, 1.5, -1.5, 1.5, -0.5, 1.5, -1.5, 1.5, -1.5], "0 0 0 4 0 0 0 0", trendLength: 0);

        Assert.Equal([new SpcRuleAlert(2, SpcAlertKind.Alternating, 7, 10)], alerts);
    }

    [Fact]
    public void Alternating_LengthBelowTwo_IsDisabled()
    {
        Assert.Empty(Alerts([3.5, -3.5], "0 1 0 1 0 1 0 1", trendLength: 0));
        Assert.Equal(
            [new SpcRuleAlert(4, SpcAlertKind.Alternating, 0, 1)],
            Alerts([3.5, -3.5], "0 0 0 0 0 0 0 2", trendLength: 0));
    }

    [Fact]
    public void Trend_StrictlyDecreasing_HasNoZone()
    {
        var alerts = Alerts([0.6, 0.7, 0.4, 0.4, 0.3, 0.2, 0.1], "0 0 0 0 0 0 0 0", trendLength: 3);

        Assert.Equal([new SpcRuleAlert(null, SpcAlertKind.Trend, 3, 5)], alerts);
    }

    [Fact]
    public void Trend_EqualNeighboursBreakTheRun()
    {
        Assert.Empty(Alerts([0.1, 0.2, 0.2, 0.3], "0 0 0 0 0 0 0 0", trendLength: 3));
    }

    [Fact]
    public void UnmonitoredZones_AreSkipped()
    {
        Assert.Empty(Alerts([3.5, 3.6, 3.7], zones: [1], trendLength: 0));
    }

    [Fact]
    public void Evaluate_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Alerts([0.0], trendLength: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Alerts([0.0], trendLength: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Alerts([0.0], zones: [5]));
    }

    [Fact]
    public void Evaluate_ReturnsZoneCodes()
    {
        var (codes, _) = SpcRuleEngine.Evaluate([0, 0.5, -1.5, 2.5, -4], 0, 1, SpcRule.Default, AllZones, 7);

        Assert.Equal([0, 1, -2, 3, -4], codes);
    }
}
