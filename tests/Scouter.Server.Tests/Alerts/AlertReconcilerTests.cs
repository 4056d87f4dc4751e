using Scouter.Server.Alerts;
using Xunit;

namespace Scouter.Server.Tests.Alerts;

public class AlertReconcilerTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Repeat = TimeSpan.FromHours(24);
    private static readonly AlertKey Psi = new("age", "psi", null);

    private static AlertFinding Finding(AlertKey key, string severity = "warning") => new(key, severity, "{}");

    private static OpenAlert Open(long id, AlertKey key, string status = AlertStatus.Firing, DateTimeOffset? notified = null, string? pending = null) =>
        new(id, key, status, Now.AddDays(-3), notified, pending);

    [Fact]
    public void NewFinding_OpensAlert()
    {
        var changes = AlertReconciler.Reconcile([], [Finding(Psi)], new HashSet<string> { "age" }, Now, Repeat);

        Assert.Equal(new OpenNewAlert(Finding(Psi)), Assert.Single(changes));
    }

    [Fact]
    public void FoundAgain_WithinRepeatInterval_RefreshesWithoutRenotify()
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi, notified: Now.AddHours(-23))], [Finding(Psi, "critical")], new HashSet<string> { "age" }, Now, Repeat);

        var refresh = Assert.IsType<RefreshAlert>(Assert.Single(changes));
        Assert.Equal(7, refresh.Id);
        Assert.Equal("critical", refresh.Finding.Severity);
        Assert.False(refresh.Renotify);
    }

    [Fact]
    public void FoundAgain_AfterRepeatInterval_Renotifies()
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi, notified: Now.AddHours(-24))], [Finding(Psi)], new HashSet<string> { "age" }, Now, Repeat);

        Assert.True(Assert.IsType<RefreshAlert>(Assert.Single(changes)).Renotify);
    }

    [Fact]
    public void FoundAgain_NeverNotified_RepeatsFromCreation()
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi)], [Finding(Psi)], new HashSet<string> { "age" }, Now, Repeat);

        Assert.True(Assert.IsType<RefreshAlert>(Assert.Single(changes)).Renotify);
    }

    [Fact]
    public void FoundAgain_WithNoticeAlreadyQueued_DoesNotQueueAnother()
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi, notified: Now.AddDays(-2), pending: NotifyKind.Fire)], [Finding(Psi)], new HashSet<string> { "age" }, Now, Repeat);

        Assert.False(Assert.IsType<RefreshAlert>(Assert.Single(changes)).Renotify);
    }

    [Fact]
    public void Acknowledged_FoundAgain_StaysOpenWithoutRepeats()
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi, AlertStatus.Acknowledged, Now.AddDays(-5))], [Finding(Psi)], new HashSet<string> { "age" }, Now, Repeat);

        var refresh = Assert.IsType<RefreshAlert>(Assert.Single(changes));
        Assert.False(refresh.Renotify);
    }

    [Theory]
    [InlineData(AlertStatus.Firing)]
    [InlineData(AlertStatus.Acknowledged)]
    public void NoLongerFound_WhenEvaluated_Resolves(string status)
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi, status)], [], new HashSet<string> { "age" }, Now, Repeat);

        Assert.Equal(new ResolveAlert(7, Psi), Assert.Single(changes));
    }

    [Fact]
    public void NoLongerFound_WhenNotEvaluated_StaysOpen()
    {
        var changes = AlertReconciler.Reconcile([Open(7, Psi)], [], new HashSet<string>(), Now, Repeat);

        Assert.Empty(changes);
    }

    [Fact]
    public void Identity_IncludesKindAndZone_NullZoneEqualsZoneZero()
    {
        var zone1 = new AlertKey("x", "consecutive", 1);
        var zone2 = new AlertKey("x", "consecutive", 2);
        var trend = new AlertKey("x", "trend", null);
        var open = new[] { Open(1, zone1), Open(2, new AlertKey("x", "trend", 0)) };

        var changes = AlertReconciler.Reconcile(open, [Finding(zone2), Finding(trend)], new HashSet<string> { "x" }, Now, Repeat);

        Assert.Contains(new OpenNewAlert(Finding(zone2)), changes);
        Assert.Contains(changes, c => c is RefreshAlert { Id: 2 });
        Assert.Contains(new ResolveAlert(1, zone1), changes);
        Assert.Equal(3, changes.Count);
    }

    [Fact]
    public void DuplicateFindings_OpenOneAlert()
    {
        var changes = AlertReconciler.Reconcile([], [Finding(Psi), Finding(Psi)], new HashSet<string> { "age" }, Now, Repeat);

        Assert.Single(changes);
    }

    [Fact]
    public void Backoff_DoublesWithJitterAndCaps()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), DispatchBackoff.Delay(1, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), DispatchBackoff.Delay(2, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(60 * 0.8), DispatchBackoff.Delay(3, 0));
        Assert.Equal(TimeSpan.FromHours(1), DispatchBackoff.Delay(20, 0.5));
    }
}
