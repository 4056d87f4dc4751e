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

    /// <summary>Only open alerts (firing or acknowledged) when true; only resolved ones when false.</summary>
    public bool? Open { get; set; }

    /// <summary><c>critical</c> or <c>warning</c>.</summary>
    public string? Severity { get; set; }

    /// <summary>An alert kind: <c>psi</c>, <c>consecutive</c>, <c>alternating</c>, <c>out_of_bounds</c>, <c>trend</c>, <c>custom</c>, <c>llm</c> or <c>evaluation_failures</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>1-based page (server default 1).</summary>
    public int? Page { get; set; }

    /// <summary>Page size, 1-500 (server default 50).</summary>
    public int? PageSize { get; set; }
}

internal sealed record StatusBody(bool Active, bool DeactivateOthers);

internal sealed record LoginBody(string Username, string Password);

internal sealed record RefreshBody(string RefreshToken);

internal sealed record TokenBody(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken);
