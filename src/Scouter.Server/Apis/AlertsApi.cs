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
public static class AlertsApi
{
    /// <summary>Maps the routes on the <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapAlertRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/alerts", ListAsync).RequireAuthorization().WithName("ListAlerts");
        api.MapPost("/alerts/{id}/acknowledge", AcknowledgeAsync).RequireAuthorization().WithName("AcknowledgeAlert");
        return api;
    }

    internal static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, AlertStore alerts, JobStore profiles,
        string? uid, string? space, string? status, string? from, string? to, string? page, [FromQuery(Name = "page_size")] string? pageSize,
        CancellationToken cancellationToken)
    {
        Guid? uidFilter = null;
        if (!string.IsNullOrEmpty(uid))
        {
            if (!Guid.TryParse(uid, CultureInfo.InvariantCulture, out var parsed))
                return Problems.Validation("invalid_query", "uid", $"Query parameter 'uid' must be a UUID, got '{uid}'.");
            uidFilter = parsed;
        }
        if (status is not (null or "" or AlertStatus.Firing or AlertStatus.Acknowledged or AlertStatus.Resolved))
            return Problems.Validation("invalid_query", "status", $"Query parameter 'status' must be firing, acknowledged or resolved, got '{status}'.");
        if (QueryParsing.Time(from, "from", out var fromTime) is { } e1) return e1;
        if (QueryParsing.Time(to, "to", out var toTime) is { } e2) return e2;
        if (QueryParsing.Int(page, "page", 1, 1, 1_000_000, out var pageNo) is { } e3) return e3;
        if (QueryParsing.Int(pageSize, "page_size", 50, 1, 500, out var size) is { } e4) return e4;

        IReadOnlyList<string>? spaces = ReadableSpaces(user);
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

        var (items, total) = await alerts.ListAsync(new AlertQuery(uidFilter, spaces, string.IsNullOrEmpty(status) ? null : status, fromTime, toTime, pageNo, size),
            cancellationToken);
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

    /// <summary>Spaces the caller may read; null means all.</summary>
    private static List<string>? ReadableSpaces(ClaimsPrincipal user)
    {
        if (user.IsGlobalAdmin()) return null;
        var spaces = new List<string>();
        foreach (var claim in user.FindAll(SpaceAccess.SpaceClaim))
        {
            var (grant, role) = SpaceAccess.ParseGrant(claim.Value);
            if (role is null) continue;
            if (grant == "*") return null;
            spaces.Add(grant);
        }
        return spaces;
    }

    private static ProblemHttpResult AlertNotFound(string id) => Problems.NotFound("alert_not_found", $"No alert with id '{id}'.");

    internal static Alert ToView(AlertRow a) => new(a.Id, a.Uid, a.Space, a.FeatureOrMetric, a.Kind, a.Zone, a.Severity, a.Status, a.CreatedAt, a.UpdatedAt,
        a.ResolvedAt, JsonElement.Parse(a.PayloadJson), a.LastNotifiedAt, a.NotifyPending, a.NotifyAttempts, a.NotifyError, a.NextAttemptAt, a.AcknowledgedBy,
        a.AcknowledgedAt);
}
