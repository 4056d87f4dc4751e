using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Scouter.Api;
using Scouter.Server.Alerts;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>GET /alerts</c> and <c>POST /alerts/{id}/acknowledge</c>.</summary>
internal static class AlertsApi
{
    /// <summary>Maps the routes on the <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapAlertRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/alerts", ListAsync).RequireAuthorization().WithName("ListAlerts");
        api.MapPost("/alerts/{id}/acknowledge", AcknowledgeAsync).RequireAuthorization().WithName("AcknowledgeAlert");
        return api;
    }

    /// <summary><c>GET /alerts</c>: alerts in the spaces the caller can read, newest first, one page; every filter given must hold.</summary>
    /// <param name="user">The caller.</param>
    /// <param name="alerts">Alert store.</param>
    /// <param name="profiles">Job store (the profile of <paramref name="uid"/>).</param>
    /// <param name="uid">Only this profile's alerts.</param>
    /// <param name="space">Only this space's alerts.</param>
    /// <param name="status">firing, acknowledged or resolved.</param>
    /// <param name="from">Created at or after (RFC 3339).</param>
    /// <param name="to">Created at or before (RFC 3339).</param>
    /// <param name="page">1-based page (default 1).</param>
    /// <param name="pageSize">Alerts per page, 1 to 500 (default 50).</param>
    /// <param name="open">true: firing or acknowledged; false: resolved.</param>
    /// <param name="severity">critical or warning.</param>
    /// <param name="kind">psi, consecutive, alternating, out_of_bounds, trend, custom, llm or evaluation_failures.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    internal static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, AlertStore alerts, JobStore profiles,
        string? uid, string? space, string? status, string? from, string? to, string? page, [FromQuery(Name = "page_size")] string? pageSize,
        string? open, string? severity, string? kind, CancellationToken cancellationToken)
    {
        Guid? uidFilter = null;
        if (!string.IsNullOrEmpty(uid))
        {
            if (!Guid.TryParse(uid, CultureInfo.InvariantCulture, out var parsed))
                return Problems.Validation("invalid_query", "uid", $"Query parameter 'uid' must be a UUID, got '{uid}'.");
            uidFilter = parsed;
        }
        if (OneOf(status, "status", [AlertStatus.Firing, AlertStatus.Acknowledged, AlertStatus.Resolved]) is { } e0) return e0;
        if (QueryParsing.Time(from, "from", out var fromTime) is { } e1) return e1;
        if (QueryParsing.Time(to, "to", out var toTime) is { } e2) return e2;
        if (QueryParsing.Int(page, "page", 1, 1, 1_000_000, out var pageNo) is { } e3) return e3;
        if (QueryParsing.Int(pageSize, "page_size", 50, 1, 500, out var size) is { } e4) return e4;
        if (QueryParsing.Bool(open, "open", out var openFilter) is { } e5) return e5;
        if (OneOf(severity, "severity", AlertSeverities.All) is { } e6) return e6;
        if (OneOf(kind, "kind", AlertKinds.All) is { } e7) return e7;

        var spaces = user.ReadableSpaces();
        if (uidFilter is { } u)
        {
            var profile = await profiles.GetProfileAsync(u, cancellationToken);
            if (profile is null) return JobsApi.ProfileNotFound(uid!);
            if (!user.Can(profile.Space, SpaceRole.Read)) return Problems.Forbidden(profile.Space, "read");
        }
        if (!string.IsNullOrEmpty(space))
        {
            if (!user.Can(space, SpaceRole.Read)) return Problems.Forbidden(space, "read");
            spaces = [space];
        }
        if (spaces is { Count: 0 }) return TypedResults.Ok(new AlertPage([], pageNo, size, 0));

        var query = new AlertQuery(uidFilter, spaces, NullIfEmpty(status), fromTime, toTime, pageNo, size, openFilter, NullIfEmpty(severity), NullIfEmpty(kind));
        var (items, total) = await alerts.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new AlertPage([.. items.Select(ToView)], pageNo, size, total));
    }

    internal static async Task<Results<Ok<Alert>, ProblemHttpResult>> AcknowledgeAsync(string id, ClaimsPrincipal user, AlertStore alerts, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var alertId)) return AlertNotFound(id);
        var alert = await alerts.GetAsync(alertId, cancellationToken);
        if (alert is null) return AlertNotFound(id);
        if (!user.Can(alert.Space, SpaceRole.Write)) return Problems.Forbidden(alert.Space, "write");
        if (alert.Status == AlertStatus.Resolved) return Problems.Conflict("alert_resolved", $"Alert {alertId} is already resolved.");
        var updated = await alerts.AcknowledgeAsync(alertId, JobsApi.Caller(user), time.GetUtcNow(), cancellationToken);
        return updated is null ? AlertNotFound(id) : TypedResults.Ok(ToView(updated));
    }

    /// <summary>A 400 naming <paramref name="name"/> when <paramref name="value"/> is given and is none of <paramref name="allowed"/>.</summary>
    private static ProblemHttpResult? OneOf(string? value, string name, IReadOnlyList<string> allowed) =>
        string.IsNullOrEmpty(value) || allowed.Contains(value, StringComparer.Ordinal)
            ? null
            : Problems.Validation("invalid_query", name, $"Query parameter '{name}' must be {Choices(allowed)}, got '{value}'.");

    private static string Choices(IReadOnlyList<string> allowed) => string.Join(", ", allowed.Take(allowed.Count - 1)) + " or " + allowed[^1];

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ProblemHttpResult AlertNotFound(string id) => Problems.NotFound("alert_not_found", $"No alert with id '{id}'.");

    internal static Alert ToView(AlertRow a) => new(a.Id, a.Uid, a.Space, a.FeatureOrMetric, a.Kind, a.Zone, a.Severity, a.Status, a.CreatedAt, a.UpdatedAt,
        a.ResolvedAt, JsonElement.Parse(a.PayloadJson), a.LastNotifiedAt, a.NotifyPending, a.NotifyAttempts, a.NotifyError, a.NextAttemptAt, a.AcknowledgedBy,
        a.AcknowledgedAt, a.ProfileName, a.ProfileVersion, a.DriftType);
}
