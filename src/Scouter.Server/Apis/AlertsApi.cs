using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Scouter.Server.Alerts;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>An alert as the API returns it.</summary>
/// <param name="Id">Alert id.</param>
/// <param name="Uid">Profile uid.</param>
/// <param name="Space">Profile space.</param>
/// <param name="FeatureOrMetric">The feature or metric.</param>
/// <param name="Kind">psi; consecutive, alternating, out_of_bounds, trend; custom; llm.</param>
/// <param name="Zone">SPC zone 1-4, else null.</param>
/// <param name="Severity">warning or critical.</param>
/// <param name="Status">firing, acknowledged or resolved.</param>
/// <param name="CreatedAt">When it first fired.</param>
/// <param name="UpdatedAt">Last change (a check that found it again, acknowledgement, resolution).</param>
/// <param name="ResolvedAt">When a check no longer found it.</param>
/// <param name="Payload">The latest finding: the feature/metric's inputs and decision.</param>
/// <param name="LastNotifiedAt">Last delivered notice.</param>
/// <param name="NotifyPending">Queued notice: fire, resolve or null.</param>
/// <param name="NotifyAttempts">Failed attempts of the queued notice.</param>
/// <param name="NotifyError">Last delivery error.</param>
/// <param name="NextAttemptAt">When the queued notice is (re)tried.</param>
/// <param name="AcknowledgedBy">Who acknowledged it.</param>
/// <param name="AcknowledgedAt">When.</param>
public sealed record AlertView(long Id, Guid Uid, string Space, string FeatureOrMetric, string Kind, int? Zone, string Severity, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, JsonNode? Payload, DateTimeOffset? LastNotifiedAt, string? NotifyPending,
    int NotifyAttempts, string? NotifyError, DateTimeOffset? NextAttemptAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt);

/// <summary>One page of alerts, newest first.</summary>
/// <param name="Items">The alerts.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Page size.</param>
/// <param name="Total">Alerts matching the filters.</param>
public sealed record AlertPage(IReadOnlyList<AlertView> Items, int Page, int PageSize, long Total);

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

    internal static async Task<Results<Ok<AlertView>, ProblemHttpResult>> AcknowledgeAsync(string id, ClaimsPrincipal user, AlertStore alerts, TimeProvider time,
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

    internal static AlertView ToView(AlertRow a) => new(a.Id, a.Uid, a.Space, a.FeatureOrMetric, a.Kind, a.Zone, a.Severity, a.Status, a.CreatedAt, a.UpdatedAt,
        a.ResolvedAt, JsonNode.Parse(a.PayloadJson), a.LastNotifiedAt, a.NotifyPending, a.NotifyAttempts, a.NotifyError, a.NextAttemptAt, a.AcknowledgedBy,
        a.AcknowledgedAt);
}
