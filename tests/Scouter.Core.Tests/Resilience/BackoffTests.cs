using Scouter.Resilience;
using Xunit;

namespace Scouter.Core.Tests.Resilience;

public sealed class BackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(1);

    /// <summary>A Random whose NextDouble is always <paramref name="value"/>.</summary>
    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }

    [Fact]
    public void Cap_DoublesFromInitial_UpToMax()
    {
        var backoff = new Backoff(Initial, Max, new FixedRandom(0.5));

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.Cap(1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Cap(2));
        Assert.Equal(TimeSpan.FromMilliseconds(800), backoff.Cap(4));
        Assert.Equal(Max, backoff.Cap(5));
        Assert.Equal(Max, backoff.Cap(int.MaxValue));
    }

    [Fact]
    public void Delay_IsTheRandomFractionOfTheCap()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), new Backoff(Initial, Max, new FixedRandom(0.25)).Delay(3));
        Assert.Equal(TimeSpan.Zero, new Backoff(Initial, Max, new FixedRandom(0)).Delay(7));
        Assert.Equal(TimeSpan.FromMilliseconds(900), new Backoff(Initial, Max, new FixedRandom(0.9)).Delay(30));
    }

    [Fact]
    public void Delay_WithRealRandom_StaysUnderTheCap()
    {
        var backoff = new Backoff(Initial, Max, new Random(7));
        for (var attempt = 1; attempt < 12; attempt++)
        {
            for (var i = 0; i < 50; i++) Assert.InRange(backoff.Delay(attempt), TimeSpan.Zero, backoff.Cap(attempt) - TimeSpan.FromTicks(1));
        }
    }

    [Fact]
    public void Constructor_RejectsBadBounds_AndDelayRejectsAttemptZero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, Max, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(Max, Initial, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(Initial, Max, new Random(1)).Delay(0));
    }
}
