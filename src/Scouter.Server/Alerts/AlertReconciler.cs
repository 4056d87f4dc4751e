namespace Scouter.Server.Alerts;

/// <summary>Alert status values as stored and returned by the API.</summary>
internal static class AlertStatus
{
    /// <summary>The condition holds and has not been acknowledged.</summary>
    public const string Firing = "firing";

    /// <summary>Still open, but somebody took it: no repeat notifications.</summary>
    public const string Acknowledged = "acknowledged";

    /// <summary>A later check no longer found the condition.</summary>
    public const string Resolved = "resolved";
}

/// <summary>Pending notification kinds of the alert outbox.</summary>
internal static class NotifyKind
{
    /// <summary>Send (or repeat) the firing notice.</summary>
    public const string Fire = "fire";

    /// <summary>Send the resolved notice.</summary>
    public const string Resolve = "resolve";
}

/// <summary>An alert's identity: one open alert at most per (uid, feature_or_metric, kind, zone).</summary>
/// <param name="Subject">Feature or metric name.</param>
/// <param name="Kind">psi; consecutive, alternating, out_of_bounds, trend (SPC); custom; llm.</param>
/// <param name="Zone">SPC zone 1-4; null otherwise (and for trend).</param>
internal readonly record struct AlertKey(string Subject, string Kind, int? Zone);

/// <summary>What a check found for one identity.</summary>
internal sealed record AlertFinding(AlertKey Key, string Severity, string PayloadJson);

/// <summary>An open (firing or acknowledged) alert as stored.</summary>
internal sealed record OpenAlert(long Id, AlertKey Key, string Status, DateTimeOffset CreatedAt, DateTimeOffset? LastNotifiedAt, string? NotifyPending);

/// <summary>A change to apply to the alerts table.</summary>
internal abstract record AlertChange;

/// <summary>Insert a new firing alert and queue its notice.</summary>
internal sealed record OpenNewAlert(AlertFinding Finding) : AlertChange;

/// <summary>Update an open alert with the latest finding; <paramref name="Renotify"/> queues a repeat notice.</summary>
internal sealed record RefreshAlert(long Id, AlertFinding Finding, bool Renotify) : AlertChange;

/// <summary>Resolve an open alert and queue the resolved notice.</summary>
internal sealed record ResolveAlert(long Id, AlertKey Key) : AlertChange;

/// <summary>
/// Decides, without I/O, how one check's findings change the open alerts of its profile:
/// a new identity opens an alert; a known one is refreshed (and re-notified when it is firing,
/// nothing is queued, and the repeat interval has passed since the last notice, or since it opened
/// when none was ever delivered); an open alert whose feature/metric was evaluated and no longer
/// produces the finding is resolved. Subjects that were not evaluated (no data, insufficient data)
/// leave their alerts as they are.
/// </summary>
internal static class AlertReconciler
{
    public static IReadOnlyList<AlertChange> Reconcile(
        IReadOnlyList<OpenAlert> open,
        IReadOnlyList<AlertFinding> findings,
        IReadOnlySet<string> evaluatedSubjects,
        DateTimeOffset now,
        TimeSpan repeatInterval)
    {
        var byKey = new Dictionary<AlertKey, OpenAlert>();
        foreach (var alert in open) byKey.TryAdd(Normalize(alert.Key), alert);

        var changes = new List<AlertChange>();
        var seen = new HashSet<AlertKey>();
        foreach (var finding in findings)
        {
            var key = Normalize(finding.Key);
            if (!seen.Add(key)) continue;
            if (!byKey.TryGetValue(key, out var existing))
            {
                changes.Add(new OpenNewAlert(finding));
                continue;
            }
            var renotify = existing.Status == AlertStatus.Firing
                && existing.NotifyPending is null
                && (existing.LastNotifiedAt ?? existing.CreatedAt) + repeatInterval <= now;
            changes.Add(new RefreshAlert(existing.Id, finding, renotify));
        }
        foreach (var (key, alert) in byKey)
        {
            if (!seen.Contains(key) && evaluatedSubjects.Contains(key.Subject)) changes.Add(new ResolveAlert(alert.Id, alert.Key));
        }
        return changes;
    }

    // The database identity treats a null zone as 0.
    private static AlertKey Normalize(AlertKey key) => key with { Zone = key.Zone ?? 0 };
}
