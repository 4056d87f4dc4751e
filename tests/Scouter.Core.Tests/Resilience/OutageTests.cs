using Microsoft.Extensions.Time.Testing;
using Scouter.Resilience;
using Xunit;

namespace Scouter.Core.Tests.Resilience;

public sealed class OutageTests
{
    [Fact]
    public void Failed_OnlyTheFirstFailureStartsTheOutage()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var outage = new Outage(time);

        Assert.True(outage.Failed(out var since, out var failures));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), since);
        Assert.Equal(1, failures);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(outage.Failed(out since, out failures));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), since);
        Assert.Equal(2, failures);
    }

    [Fact]
    public void Succeeded_EndsTheOutageWithItsDuration_ThenTheNextFailureStartsAnother()
    {
        var time = new FakeTimeProvider();
        var outage = new Outage(time);
        outage.Failed(out _, out _);
        time.Advance(TimeSpan.FromSeconds(42));
        outage.Failed(out _, out _);

        Assert.True(outage.Succeeded(out var duration, out var failures));
        Assert.Equal(TimeSpan.FromSeconds(42), duration);
        Assert.Equal(2, failures);
        Assert.Null(outage.Since);
        Assert.False(outage.Succeeded(out _, out _));
        Assert.True(outage.Failed(out _, out var next));
        Assert.Equal(1, next);
    }
}
