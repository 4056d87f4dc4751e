using System.Text.Json;

namespace Scouter.Api;

/// <summary>An alert as the API returns it (<c>GET /alerts</c>, <c>POST /alerts/{id}/acknowledge</c>).</summary>
/// <param name="Id">Alert id.</param>
/// <param name="Uid">Profile uid.</param>
/// <param name="Space">Profile space.</param>
/// <param name="FeatureOrMetric">The feature or metric.</param>
/// <param name="Kind">psi; consecutive, alternating, out_of_bounds, trend (SPC); custom; llm; evaluation_failures (LLM records failing evaluation).</param>
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
/// <param name="Name">The profile's model name.</param>
/// <param name="Version">The profile's version.</param>
/// <param name="DriftType">The profile's drift type (which <c>/drift</c> route charts it).</param>
public sealed record Alert(long Id, Guid Uid, string Space, string FeatureOrMetric, string Kind, int? Zone, string Severity, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, JsonElement? Payload, DateTimeOffset? LastNotifiedAt, string? NotifyPending,
    int NotifyAttempts, string? NotifyError, DateTimeOffset? NextAttemptAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt,
    string Name, string Version, DriftType DriftType);

/// <summary>One page of alerts, newest first.</summary>
/// <param name="Items">The alerts.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Page size.</param>
/// <param name="Total">Alerts matching the filters.</param>
public sealed record AlertPage(IReadOnlyList<Alert> Items, int Page, int PageSize, long Total);
