namespace Scouter.Api;

/// <summary>Answer of <c>GET /overview</c>: every profile the caller can read, with its schedule, latest check and open alerts.</summary>
/// <param name="Spaces">Every space the caller can read, sorted (a global admin or <c>*</c> grant: the spaces that hold profiles).</param>
/// <param name="Profiles">The profiles (of the <c>space</c> asked for, if any), by space, name, version and drift type.</param>
/// <param name="Truncated">True when there were more profiles (or spaces) than the answer carries (<c>OverviewApi.MaxProfiles</c>).</param>
public sealed record OverviewResponse(IReadOnlyList<string> Spaces, IReadOnlyList<ProfileOverview> Profiles, bool Truncated);

/// <summary>One profile in <see cref="OverviewResponse"/>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="Space">Space.</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="DriftType">Drift type.</param>
/// <param name="Active">Whether scheduled checks run.</param>
/// <param name="Schedule">Check schedule (cron).</param>
/// <param name="TimeZone">Schedule time zone (null: UTC).</param>
/// <param name="NextRun">The schedule's next occurrence after now; null while inactive.</param>
/// <param name="LastCheck">The latest check run (largest window end); null before the first.</param>
/// <param name="OpenAlerts">Alerts not resolved.</param>
public sealed record ProfileOverview(Guid Uid, string Space, string Name, string Version, DriftType DriftType, bool Active, string Schedule, string? TimeZone,
    DateTimeOffset? NextRun, CheckSummary? LastCheck, OpenAlertCounts OpenAlerts);

/// <summary>A check run in brief (<c>GET /profiles/{uid}/checks</c> has its per feature/metric results).</summary>
/// <param name="Id">Check run id.</param>
/// <param name="RanAt">When it ran.</param>
/// <param name="Trigger"><c>schedule</c> or <c>manual</c>.</param>
/// <param name="WindowStart">Exclusive start of the record window (null only on checks stored by earlier versions).</param>
/// <param name="WindowEnd">Inclusive end of the record window.</param>
/// <param name="AlertCount">Alert findings of the check.</param>
/// <param name="Status"><c>alert</c> when the check found anything to alert on, else <c>no_alert</c>.</param>
public sealed record CheckSummary(long Id, DateTimeOffset RanAt, string Trigger, DateTimeOffset? WindowStart, DateTimeOffset WindowEnd, int AlertCount, string Status);

/// <summary>Open (firing or acknowledged) alerts of a profile: <c>critical + warning</c> and <c>firing + acknowledged</c> both add up to <c>total</c>.</summary>
/// <param name="Total">Open alerts.</param>
/// <param name="Critical">Open critical alerts.</param>
/// <param name="Warning">Open warning alerts.</param>
/// <param name="Firing">Open alerts nobody acknowledged.</param>
/// <param name="Acknowledged">Open alerts somebody acknowledged.</param>
public sealed record OpenAlertCounts(long Total, long Critical, long Warning, long Firing, long Acknowledged);
