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

/// <summary>The authenticated caller (<see cref="ScouterClient.GetMeAsync"/>).</summary>
/// <param name="Name">User name, or <c>api_key:ID</c> for an API key.</param>
/// <param name="Kind"><c>user</c> or <c>api_key</c>.</param>
/// <param name="GlobalRole"><c>admin</c> for a global administrator, else null.</param>
/// <param name="Spaces">The caller's roles by space; space <c>*</c> means every space.</param>
public sealed record CallerInfo(string Name, string Kind, string? GlobalRole, IReadOnlyList<CallerSpace> Spaces);

/// <summary>A role on a space (<see cref="CallerInfo.Spaces"/>).</summary>
/// <param name="Space">Space name, or <c>*</c> for every space.</param>
/// <param name="Role"><c>read</c>, <c>write</c> or <c>admin</c>.</param>
public sealed record CallerSpace(string Space, string Role);

internal sealed record StatusBody(bool Active, bool DeactivateOthers);

internal sealed record LoginBody(string Username, string Password);

internal sealed record RefreshBody(string RefreshToken);

internal sealed record TokenBody(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken);
