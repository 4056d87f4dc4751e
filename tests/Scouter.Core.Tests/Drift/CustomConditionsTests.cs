using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class CustomConditionsTests
{
    [Theory]
    [InlineData(AlertThreshold.Above, 10.0, 1.0, 11.5, true)]
    [InlineData(AlertThreshold.Above, 10.0, 1.0, 11.0, false)]
    [InlineData(AlertThreshold.Above, 10.0, null, 9.0, false)]
    [InlineData(AlertThreshold.Below, 10.0, 1.0, 9.0, false)]
    [InlineData(AlertThreshold.Below, 10.0, 1.0, 8.5, true)]
    [InlineData(AlertThreshold.Below, 10.0, null, 9.99, true)]
    [InlineData(AlertThreshold.Outside, 10.0, 1.0, 8.5, true)]
    [InlineData(AlertThreshold.Outside, 10.0, 1.0, 11.0, false)]
    [InlineData(AlertThreshold.Outside, 10.0, 0.0, 10.0, false)]
    [InlineData(AlertThreshold.Outside, 10.0, null, 9.99, true)]
    public void IsAlert_FollowsConditionTable(AlertThreshold condition, double baseline, double? delta, double observed, bool expected)
    {
        Assert.Equal(expected, CustomConditions.IsAlert(condition, baseline, delta, observed));
    }

    [Fact]
    public void IsAlert_NegativeDelta_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomConditions.IsAlert(AlertThreshold.Above, 1, -0.1, 2));
    }
}
