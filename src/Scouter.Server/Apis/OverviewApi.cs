using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Api;
using Scouter.Server.Alerts;
using Scouter.Server.Auth;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>GET /overview</c>: every readable profile with its schedule, latest check and open alerts, in one call.</summary>
internal static class OverviewApi
{
    /// <summary>Most profiles (and, for a caller who reads every space, spaces) one answer lists; beyond it the answer says <c>truncated</c>.</summary>
    public const int MaxProfiles = 2_000;

    /// <summary>Maps the route on the <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapOverviewApi(this RouteGroupBuilder api)
    {
        api.MapGet("/overview", GetAsync).RequireAuthorization().WithName("Overview").WithTags("Overview");
        return api;
    }

    /// <summary>
    /// <c>GET /overview[?space=]</c>: the profiles of the spaces the caller can read (a global admin: all), at most 2 000
    /// (<c>truncated</c> beyond), each with its next scheduled run, latest check and open alert counts, and the readable spaces.
    /// </summary>
    /// <param name="user">The caller.</param>
    /// <param name="store">Overview reads.</param>
    /// <param name="time">Clock (next runs are the schedule's first occurrence after now).</param>
    /// <param name="space">Only this space's profiles (403 when the caller cannot read it); <c>spaces</c> still lists every readable space.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    internal static async Task<Results<Ok<OverviewResponse>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, OverviewStore store, TimeProvider time, string? space,
        CancellationToken cancellationToken)
    {
        var readable = user.ReadableSpaces();
        var filter = readable;
        if (!string.IsNullOrEmpty(space))
        {
            if (!user.Can(space, SpaceRole.Read)) return Problems.Forbidden(space, "read");
            filter = [space];
        }
        var spaces = readable ?? await store.SpacesAsync(MaxProfiles + 1, cancellationToken);
        var spacesTruncated = spaces.Count > MaxProfiles;
        if (spacesTruncated) spaces = [.. spaces.Take(MaxProfiles)];
        if (filter is { Count: 0 }) return TypedResults.Ok(new OverviewResponse(spaces, [], spacesTruncated));

        var rows = await store.ReadAsync(filter, MaxProfiles, cancellationToken);
        var now = time.GetUtcNow();
        var profiles = rows.Profiles.Select(p => new ProfileOverview(p.Uid, p.Space, p.Name, p.Version, p.DriftType, p.Active, p.Schedule, p.TimeZone,
            p.Active ? NextRun(p, now) : null, rows.LatestChecks.GetValueOrDefault(p.Uid) is { } c ? Summary(c) : null, Counts(rows.OpenAlerts[p.Uid]))).ToList();
        return TypedResults.Ok(new OverviewResponse(spaces, profiles, rows.Truncated || spacesTruncated));
    }

    private static DateTimeOffset? NextRun(OverviewProfileRow profile, DateTimeOffset now)
    {
        try
        {
            return Schedules.NextAfter(profile.Schedule, profile.TimeZone, now);
        }
        catch (Exception ex) when (ex is ScouterConfigException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // A schedule this host cannot read (its time zone missing from the host's tz database) must not fail every other profile's row.
            return null;
        }
    }

    private static CheckSummary Summary(LatestCheckRow c) =>
        new(c.Id, c.RanAt, c.Trigger, c.WindowStart, c.WindowEnd, c.AlertCount, c.AlertCount > 0 ? "alert" : "no_alert");

    private static OpenAlertCounts Counts(IEnumerable<OpenAlertGroup> groups)
    {
        long total = 0, critical = 0, warning = 0, firing = 0, acknowledged = 0;
        foreach (var g in groups)
        {
            total += g.Count;
            if (g.Severity == AlertSeverities.Critical) critical += g.Count;
            if (g.Severity == AlertSeverities.Warning) warning += g.Count;
            if (g.Status == AlertStatus.Firing) firing += g.Count;
            if (g.Status == AlertStatus.Acknowledged) acknowledged += g.Count;
        }
        return new OpenAlertCounts(total, critical, warning, firing, acknowledged);
    }
}
