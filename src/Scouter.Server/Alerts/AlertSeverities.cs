namespace Scouter.Server.Alerts;

/// <summary>Alert severities (<c>alerts.severity</c>), as stored and returned by the API.</summary>
internal static class AlertSeverities
{
    /// <summary>Needs attention now: PSI at or above 0.25, an SPC sample beyond 3 sigma, failing LLM evaluation.</summary>
    public const string Critical = "critical";

    /// <summary>Everything else that alerts.</summary>
    public const string Warning = "warning";

    /// <summary>Every severity, most severe first.</summary>
    public static IReadOnlyList<string> All { get; } = [Critical, Warning];

    /// <summary>The stored form of a PSI result's severity.</summary>
    public static string Of(AlertSeverity severity) => severity == AlertSeverity.Critical ? Critical : Warning;
}
