using Scouter.Resilience;
using Xunit;

namespace Scouter.Core.Tests.Resilience;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(5, 1600)]
    [InlineData(6, 2000)]
    [InlineData(1000, 2000)]
    public void Cap_DoublesFromInitialUpToMax(int attempt, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)).Cap(attempt));

    [Fact]
    public void Delay_IsTheSeededUniformFractionOfTheCap()
    {
        // Random(42)'s first two doubles, drawn independently of the policy.
        var draws = new Random(42);
        var u1 = draws.NextDouble();
        var u2 = draws.NextDouble();
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(42));

        Assert.Equal(TimeSpan.FromTicks((long)(TimeSpan.FromSeconds(1).Ticks * u1)), backoff.Delay(1));
        Assert.Equal(TimeSpan.FromTicks((long)(TimeSpan.FromSeconds(8).Ticks * u2)), backoff.Delay(4));
    }

    [Fact]
    public void Delay_StaysBelowTheCap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), new Random(7));
        for (var attempt = 1; attempt < 200; attempt++)
        {
            var delay = backoff.Delay(attempt);
            Assert.InRange(delay, TimeSpan.Zero, backoff.Cap(attempt));
        }
    }

    [Fact]
    public void Constructor_RefusesNonPositiveInitialAndMaxBelowInitial()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
