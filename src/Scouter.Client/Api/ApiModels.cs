using System.Text.Json;
using Scouter.Drift;

namespace Scouter.Client;

/// <summary>Identifies a registered profile by space, name, version and drift type (<see cref="ScouterClient.DownloadProfileAsync"/>).</summary>
public sealed class GetProfileRequest
{
    /// <summary>Space (required).</summary>
    public required string Space { get; set; }

    /// <summary>Model name (required).</summary>
    public required string Name { get; set; }

    /// <summary>Version (required).</summary>
    public required string Version { get; set; }

    /// <summary>Drift type (required).</summary>
    public required DriftType DriftType { get; set; }
}

/// <summary>Filters of <see cref="ScouterClient.ListProfilesAsync"/>; null fields do not filter.</summary>
public sealed class ProfileFilter
{
    /// <summary>Space.</summary>
    public string? Space { get; set; }

    /// <summary>Model name.</summary>
    public string? Name { get; set; }

    /// <summary>Version.</summary>
    public string? Version { get; set; }

    /// <summary>Drift type.</summary>
    public DriftType? DriftType { get; set; }
}

/// <summary>Filters and paging of <see cref="ScouterClient.GetAlertsAsync"/>; null fields do not filter.</summary>
public sealed class AlertQuery
{
    /// <summary>Profile uid.</summary>
    public Guid? Uid { get; set; }

    /// <summary>Space.</summary>
    public string? Space { get; set; }

    /// <summary><c>firing</c>, <c>acknowledged</c> or <c>resolved</c>.</summary>
    public string? Status { get; set; }

    /// <summary>Created after.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>Created at or before.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>1-based page (server default 1).</summary>
    public int? Page { get; set; }

    /// <summary>Page size, 1-500 (server default 50).</summary>
    public int? PageSize { get; set; }
}

/// <summary>A registered profile's metadata.</summary>
/// <param name="Uid">Server-assigned uid.</param>
/// <param name="Space">Space.</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="DriftType">Drift type.</param>
/// <param name="Active">Whether scheduled checks run.</param>
/// <param name="Schedule">Check schedule (cron).</param>
/// <param name="TimeZone">Schedule time zone (null: UTC).</param>
/// <param name="NextRun">Next scheduled check.</param>
/// <param name="CreatedAt">Registration time.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record ProfileInfo(
    Guid Uid, string Space, string Name, string Version, DriftType DriftType, bool Active, string Schedule, string? TimeZone,
    DateTimeOffset? NextRun, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>PSI of one feature over the window and per bucket.</summary>
/// <param name="BucketPsi">PSI per bucket; null for a bucket without data.</param>
/// <param name="BucketCounts">Observed values (N) per bucket.</param>
/// <param name="Psi">PSI over the whole window; null without data.</param>
/// <param name="N">Observed values over the window.</param>
/// <param name="Threshold">Effective alert threshold over the window.</param>
/// <param name="Alert">Whether the window PSI alerts.</param>
/// <param name="Status">Whether there was enough data.</param>
/// <param name="ObservedProportions">Bin id → observed proportion over the window.</param>
/// <param name="BaselineProportions">Bin id → baseline proportion.</param>
public sealed record PsiFeatureSeries(
    IReadOnlyList<double?> BucketPsi, IReadOnlyList<long> BucketCounts, double? Psi, long N, double? Threshold, bool Alert, DriftStatus Status,
    IReadOnlyDictionary<string, double> ObservedProportions, IReadOnlyDictionary<string, double> BaselineProportions);

/// <summary>Answer of <see cref="ScouterClient.GetPsiDriftAsync"/>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="From">Window start (exclusive).</param>
/// <param name="To">Window end (inclusive).</param>
/// <param name="BucketStarts">Start of each bucket.</param>
/// <param name="Features">Feature → series.</param>
public sealed record PsiDriftResponse(Guid Uid, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DateTimeOffset> BucketStarts,
    IReadOnlyDictionary<string, PsiFeatureSeries> Features);

/// <summary>The control limits and center of an SPC feature.</summary>
/// <param name="Center">Center line.</param>
/// <param name="Sigma">One sigma.</param>
/// <param name="OneLcl">center - sigma.</param>
/// <param name="OneUcl">center + sigma.</param>
/// <param name="TwoLcl">center - 2 sigma.</param>
/// <param name="TwoUcl">center + 2 sigma.</param>
/// <param name="ThreeLcl">center - 3 sigma.</param>
/// <param name="ThreeUcl">center + 3 sigma.</param>
public sealed record SpcLimits(double Center, double Sigma, double OneLcl, double OneUcl, double TwoLcl, double TwoUcl, double ThreeLcl, double ThreeUcl);

/// <summary>An SPC rule alert over the returned samples.</summary>
/// <param name="Zone">Zone 1-4 (null for trends).</param>
/// <param name="Kind">Rule kind.</param>
/// <param name="Start">Time of the first sample of the run.</param>
/// <param name="End">Time of the last sample of the run.</param>
public sealed record SpcAlertView(int? Zone, SpcAlertKind Kind, DateTimeOffset Start, DateTimeOffset End);

/// <summary>SPC samples of one feature.</summary>
/// <param name="Times">Sample times, oldest first.</param>
/// <param name="Means">Sample means.</param>
/// <param name="Counts">Values per sample.</param>
/// <param name="Codes">Zone code per sample.</param>
/// <param name="Limits">The profile's limits.</param>
/// <param name="Alerts">Rule alerts over these samples.</param>
public sealed record SpcFeatureSeries(IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<double> Means, IReadOnlyList<long> Counts, IReadOnlyList<int> Codes,
    SpcLimits Limits, IReadOnlyList<SpcAlertView> Alerts);

/// <summary>Answer of <see cref="ScouterClient.GetSpcDriftAsync"/>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="From">Window start (exclusive).</param>
/// <param name="To">Window end (inclusive).</param>
/// <param name="Truncated">True when the window held more than the returned (newest) samples.</param>
/// <param name="Features">Feature → samples.</param>
public sealed record SpcDriftResponse(Guid Uid, DateTimeOffset From, DateTimeOffset To, bool Truncated, IReadOnlyDictionary<string, SpcFeatureSeries> Features);

/// <summary>A custom or LLM metric per bucket.</summary>
/// <param name="Means">Mean per bucket; null without data.</param>
/// <param name="Counts">Values per bucket.</param>
/// <param name="Mean">Mean over the window; null without data.</param>
/// <param name="Count">Values over the window.</param>
/// <param name="Baseline">The metric's baseline.</param>
/// <param name="Condition">The metric's alert condition.</param>
/// <param name="Delta">The metric's tolerance.</param>
/// <param name="Alert">Whether the window mean breaks the condition.</param>
public sealed record MetricSeries(IReadOnlyList<double?> Means, IReadOnlyList<long> Counts, double? Mean, long Count, double Baseline, AlertThreshold Condition,
    double? Delta, bool Alert);

/// <summary>Answer of <see cref="ScouterClient.GetCustomDriftAsync"/> and <see cref="ScouterClient.GetLlmDriftAsync"/>.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="From">Window start (exclusive).</param>
/// <param name="To">Window end (inclusive).</param>
/// <param name="BucketStarts">Start of each bucket.</param>
/// <param name="Metrics">Metric → series.</param>
/// <param name="RecordStatus">LLM only: records by evaluation status (pending, done, failed).</param>
public sealed record MetricDriftResponse(Guid Uid, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DateTimeOffset> BucketStarts,
    IReadOnlyDictionary<string, MetricSeries> Metrics, IReadOnlyDictionary<string, long>? RecordStatus = null);

/// <summary>An alert.</summary>
/// <param name="Id">Alert id.</param>
/// <param name="Uid">Profile uid.</param>
/// <param name="Space">Profile space.</param>
/// <param name="FeatureOrMetric">The feature or metric.</param>
/// <param name="Kind">psi; consecutive, alternating, out_of_bounds, trend; custom; llm.</param>
/// <param name="Zone">SPC zone 1-4, else null.</param>
/// <param name="Severity">warning or critical.</param>
/// <param name="Status">firing, acknowledged or resolved.</param>
/// <param name="CreatedAt">When it first fired.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="ResolvedAt">When a check no longer found it.</param>
/// <param name="Payload">The latest finding: inputs and decision.</param>
/// <param name="LastNotifiedAt">Last delivered notice.</param>
/// <param name="NotifyPending">Queued notice: fire, resolve or null.</param>
/// <param name="NotifyAttempts">Failed attempts of the queued notice.</param>
/// <param name="NotifyError">Last delivery error.</param>
/// <param name="NextAttemptAt">When the queued notice is (re)tried.</param>
/// <param name="AcknowledgedBy">Who acknowledged it.</param>
/// <param name="AcknowledgedAt">When.</param>
public sealed record Alert(long Id, Guid Uid, string Space, string FeatureOrMetric, string Kind, int? Zone, string Severity, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, JsonElement? Payload, DateTimeOffset? LastNotifiedAt, string? NotifyPending,
    int NotifyAttempts, string? NotifyError, DateTimeOffset? NextAttemptAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt);

/// <summary>One page of alerts, newest first.</summary>
/// <param name="Items">The alerts.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Page size.</param>
/// <param name="Total">Alerts matching the filters.</param>
public sealed record AlertPage(IReadOnlyList<Alert> Items, int Page, int PageSize, long Total);

internal sealed record RegisteredProfile(Guid Uid, JsonElement Profile);

internal sealed record ProfileList(IReadOnlyList<ProfileInfo> Profiles);

internal sealed record StatusBody(bool Active, bool DeactivateOthers);

internal sealed record LoginBody(string Username, string Password);

internal sealed record RefreshBody(string RefreshToken);

internal sealed record TokenBody(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken);
